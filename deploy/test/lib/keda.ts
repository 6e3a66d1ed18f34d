/**
 * KEDA's ScaledObject (keda.sh/v1alpha1) as KEDA's documentation describes it — the ScaledObject
 * specification (keda.sh/docs/2.x/reference/scaledobject-spec) and the Prometheus scaler
 * (keda.sh/docs/2.x/scalers/prometheus). The CRD's own schema (@kubernetes-models/keda, checked in
 * models.ts) checks types and required fields but lets unknown fields through, which the API
 * server then prunes without a word, and it types a trigger's `metadata` as a free string map.
 * This model closes both gaps for the fields the keda component uses: every key must be one KEDA
 * documents, with the documented type, and a Prometheus trigger needs its required parameters.
 */

/** A documented field: its type, or the nested object's own fields. */
type Field =
  | 'string'
  | 'integer'
  | 'boolean'
  | { readonly object: Readonly<Record<string, Field>>; readonly required?: readonly string[] }
  | { readonly list: Field }
  | { readonly map: 'string' };

const HPA_RULES: Field = {
  object: {
    stabilizationWindowSeconds: 'integer',
    selectPolicy: 'string',
    policies: {
      list: {
        object: { type: 'string', value: 'integer', periodSeconds: 'integer' },
        required: ['type', 'value', 'periodSeconds'],
      },
    },
  },
};

/** `.spec` of a ScaledObject (KEDA 2.x). */
const SCALED_OBJECT_SPEC: Field = {
  object: {
    scaleTargetRef: {
      object: {
        apiVersion: 'string',
        kind: 'string',
        name: 'string',
        envSourceContainerName: 'string',
      },
      required: ['name'],
    },
    pollingInterval: 'integer',
    cooldownPeriod: 'integer',
    initialCooldownPeriod: 'integer',
    idleReplicaCount: 'integer',
    minReplicaCount: 'integer',
    maxReplicaCount: 'integer',
    fallback: {
      object: { failureThreshold: 'integer', replicas: 'integer', behavior: 'string' },
      required: ['failureThreshold', 'replicas'],
    },
    advanced: {
      object: {
        restoreToOriginalReplicaCount: 'boolean',
        horizontalPodAutoscalerConfig: {
          object: {
            name: 'string',
            behavior: { object: { scaleUp: HPA_RULES, scaleDown: HPA_RULES } },
          },
        },
        scalingModifiers: {
          object: {
            formula: 'string',
            target: 'string',
            activationTarget: 'string',
            metricType: 'string',
          },
        },
      },
    },
    triggers: {
      list: {
        object: {
          type: 'string',
          name: 'string',
          metadata: { map: 'string' },
          metricType: 'string',
          useCachedMetrics: 'boolean',
          authenticationRef: { object: { name: 'string', kind: 'string' }, required: ['name'] },
        },
        required: ['type', 'metadata'],
      },
    },
  },
  required: ['scaleTargetRef', 'triggers'],
};

/** The Prometheus scaler's parameters (`triggers[].metadata` of `type: prometheus`). */
export const PROMETHEUS_TRIGGER = {
  required: ['serverAddress', 'query', 'threshold'],
  optional: [
    'activationThreshold',
    'namespace',
    'customHeaders',
    'ignoreNullValues',
    'queryParameters',
    'unsafeSsl',
    'timeout',
  ],
} as const;

/** `metricType` values KEDA accepts; `fallback` works only with AverageValue. */
const METRIC_TYPES = ['AverageValue', 'Value', 'Utilization'];

function check(value: unknown, field: Field, path: string, problems: string[]): void {
  if (field === 'string' || field === 'boolean') {
    if (typeof value !== field) problems.push(`${path}: expected a ${field}`);
    return;
  }
  if (field === 'integer') {
    if (!Number.isInteger(value)) problems.push(`${path}: expected an integer`);
    return;
  }
  if ('list' in field) {
    if (!Array.isArray(value)) {
      problems.push(`${path}: expected a list`);
      return;
    }
    value.forEach((item, i) => check(item, field.list, `${path}[${i}]`, problems));
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: expected an object`);
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if ('map' in field) {
    for (const [key, item] of entries)
      if (typeof item !== 'string') problems.push(`${path}.${key}: expected a string`);
    return;
  }
  for (const [key, item] of entries) {
    const known = field.object[key];
    if (known === undefined) problems.push(`${path}.${key}: not a field KEDA documents`);
    else check(item, known, `${path}.${key}`, problems);
  }
  for (const key of field.required ?? [])
    if (!(key in value)) problems.push(`${path}.${key}: required`);
}

/** What is wrong with a ScaledObject's spec by KEDA's documentation; empty when nothing is. */
export function scaledObjectProblems(spec: unknown): string[] {
  const problems: string[] = [];
  check(spec, SCALED_OBJECT_SPEC, 'spec', problems);
  if (problems.length > 0) return problems;
  const typed = spec as {
    minReplicaCount?: number;
    maxReplicaCount?: number;
    fallback?: { replicas: number };
    triggers: { type: string; metricType?: string; metadata: Record<string, string> }[];
  };
  const min = typed.minReplicaCount ?? 0;
  const max = typed.maxReplicaCount ?? 100;
  if (min > max) problems.push(`spec: minReplicaCount ${min} > maxReplicaCount ${max}`);
  typed.triggers.forEach((trigger, i) => {
    const path = `spec.triggers[${i}]`;
    const metricType = trigger.metricType ?? 'AverageValue';
    if (!METRIC_TYPES.includes(metricType)) problems.push(`${path}.metricType: ${metricType}`);
    if (typed.fallback && metricType !== 'AverageValue')
      problems.push(`${path}: fallback needs metricType AverageValue`);
    if (trigger.type !== 'prometheus') return;
    const known: readonly string[] = [
      ...PROMETHEUS_TRIGGER.required,
      ...PROMETHEUS_TRIGGER.optional,
    ];
    for (const key of Object.keys(trigger.metadata))
      if (!known.includes(key))
        problems.push(`${path}.metadata.${key}: not a Prometheus scaler parameter`);
    for (const key of PROMETHEUS_TRIGGER.required)
      if (!trigger.metadata[key]) problems.push(`${path}.metadata.${key}: required`);
    for (const key of ['threshold', 'activationThreshold'])
      if (key in trigger.metadata && !Number.isFinite(Number(trigger.metadata[key])))
        problems.push(`${path}.metadata.${key}: not a number`);
    for (const key of ['ignoreNullValues', 'unsafeSsl'])
      if (key in trigger.metadata && !['true', 'false'].includes(trigger.metadata[key] ?? ''))
        problems.push(`${path}.metadata.${key}: "true" or "false"`);
    if (!/^https?:\/\/[^/\s]+/.test(trigger.metadata.serverAddress ?? ''))
      problems.push(`${path}.metadata.serverAddress: not an http(s) URL`);
  });
  if (typed.fallback && (typed.fallback.replicas < min || typed.fallback.replicas > max))
    problems.push(`spec.fallback.replicas: outside ${min}–${max}`);
  return problems;
}
