import { fileURLToPath } from 'node:url';

/** Absolute paths of the folders the checks read. */
export const deployDir = fileURLToPath(new URL('../../', import.meta.url));
export const repoDir = fileURLToPath(new URL('../../../', import.meta.url));
export const dockerDir = fileURLToPath(new URL('../../../docker/', import.meta.url));
export const kubernetesDir = fileURLToPath(new URL('../../kubernetes/', import.meta.url));
export const prometheusDir = fileURLToPath(new URL('../../prometheus/', import.meta.url));
export const dashboardsDir = fileURLToPath(new URL('../../grafana/dashboards/', import.meta.url));

/** The overlays operators apply; each must render and validate on its own. */
export const overlays = ['dev', 'prod'] as const;
export type Overlay = (typeof overlays)[number];
