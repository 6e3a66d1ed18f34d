import {
  attributeMap,
  type KeyValue,
  type OtlpMetric,
  type OtlpReceiver,
} from '@shipshape/testkit';

interface MetricsPayload {
  resourceMetrics?: {
    resource?: { attributes?: KeyValue[] };
    scopeMetrics?: { metrics?: OtlpMetric[] }[];
  }[];
}

/** The metric `name` of the last OTLP export from `service` (`service.name`) that carries it. */
export function lastExported(
  receiver: OtlpReceiver,
  service: string,
  name: string,
): OtlpMetric | undefined {
  let found: OtlpMetric | undefined;
  for (const payload of receiver.payloads<MetricsPayload>('/v1/metrics'))
    for (const resource of payload.resourceMetrics ?? []) {
      if (attributeMap(resource.resource?.attributes)['service.name'] !== service) continue;
      for (const scope of resource.scopeMetrics ?? [])
        for (const metric of scope.metrics ?? []) if (metric.name === name) found = metric;
    }
  return found;
}

/** The samples of a Prometheus text scrape, keyed `name{label="value",…}` with labels sorted. */
export function scrapeSamples(scrape: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of scrape.split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) continue;
    const labels = [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(
      ([, label, value]) => [label!, value!] as const,
    );
    map.set(sampleKey(match[1]!, Object.fromEntries(labels)), Number(match[3]));
  }
  return map;
}

export function sampleKey(name: string, labels: Record<string, unknown>): string {
  const pairs = Object.entries(labels).map(([label, value]) => `${label}="${String(value)}"`);
  return `${name}{${pairs.sort().join(',')}}`;
}

/**
 * What `/metrics` shows for every OTLP histogram point of `metric`, as the OTLP point would read
 * it: count, sum and the per-bucket counts (the scrape's cumulative `le` counts taken apart).
 */
export function histogramFromScrape(
  scraped: Map<string, number>,
  name: string,
  labels: Record<string, unknown>,
  bounds: readonly number[],
): { count: number | undefined; sum: number | undefined; bucketCounts: (number | undefined)[] } {
  const cumulative = [...bounds.map(String), '+Inf'].map((le) =>
    scraped.get(sampleKey(`${name}_bucket`, { ...labels, le })),
  );
  return {
    count: scraped.get(sampleKey(`${name}_count`, labels)),
    sum: scraped.get(sampleKey(`${name}_sum`, labels)),
    bucketCounts: cumulative.map((value, i) =>
      value === undefined ? undefined : value - (i === 0 ? 0 : (cumulative[i - 1] ?? NaN)),
    ),
  };
}
