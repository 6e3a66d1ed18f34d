/** Overrides for `adminSchema` defaults. */
export interface AdminSchemaOptions {
  readonly host?: string;
  readonly port?: number;
}

export const ADMIN_SCHEMA_DEFAULTS = { host: '0.0.0.0', port: 9464 } as const;

/** The admin listener (probes, metrics, log level): `ADMIN_HOST`, `ADMIN_PORT`. */
export function adminSchema(options: AdminSchemaOptions = {}) {
  const d = { ...ADMIN_SCHEMA_DEFAULTS, ...options };
  return {
    host: {
      doc: 'Interface the admin listener (probes, /metrics, log level) binds to.',
      format: 'host',
      default: d.host,
      env: 'ADMIN_HOST',
    },
    port: {
      doc: 'Port of the admin listener; never the public port.',
      format: 'port',
      default: d.port,
      env: 'ADMIN_PORT',
    },
  } as const;
}
