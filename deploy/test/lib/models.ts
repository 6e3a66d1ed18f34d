// Deep imports: each index re-exports hundreds of models, and loading them all costs seconds.
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { KubeObject } from './kustomize.js';

interface Validatable {
  validate(): void;
}
type ModelConstructor = new (data: never) => Validatable;

/** Every kind the manifests may contain, with the offline schema model that validates it. */
const models: Record<string, ModelConstructor> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  // KEDA's CRD schema: types and required fields (lib/keda.ts checks the field names).
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

/**
 * Validates one object against the Kubernetes (or Prometheus Operator) schema of its apiVersion and
 * kind. Throws with the object's name and the schema's complaint; an unknown kind is an error too.
 */
export function validateObject(object: KubeObject): void {
  const key = `${object.apiVersion}/${object.kind}`;
  const Model = models[key];
  if (!Model) throw new Error(`${key} ${object.metadata.name}: no schema model for this kind`);
  try {
    new Model(normalise(object) as never).validate();
  } catch (error) {
    throw new Error(`${key} ${object.metadata.name}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * kustomize writes long base64 Secret data as a literal block with line breaks, which the API
 * server's decoder accepts and the schema's "byte" format does not: compare without them.
 */
function normalise(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret' || typeof object.data !== 'object' || object.data === null)
    return object;
  const data = Object.fromEntries(
    Object.entries(object.data as Record<string, string>).map(([key, value]) => [
      key,
      value.replace(/\s+/g, ''),
    ]),
  );
  return { ...object, data };
}
