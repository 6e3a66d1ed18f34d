import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One OTLP/HTTP export request as it arrived. */
export interface OtlpRequest {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
  /** The decoded payload for OTLP/HTTP JSON; undefined for protobuf. */
  readonly json: unknown;
}

export interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: number | string; doubleValue?: number };
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: KeyValue[];
}

export interface OtlpLogRecord {
  traceId?: string;
  spanId?: string;
  severityText?: string;
  body?: { stringValue?: string };
  attributes?: KeyValue[];
}

export interface OtlpNumberPoint {
  attributes?: KeyValue[];
  asDouble?: number;
  asInt?: number | string;
  startTimeUnixNano?: string | number;
  timeUnixNano?: string | number;
}

export interface OtlpHistogramPoint {
  attributes?: KeyValue[];
  count: number | string;
  sum?: number;
  bucketCounts: (number | string)[];
  explicitBounds: number[];
}

export interface OtlpMetric {
  name: string;
  description?: string;
  unit?: string;
  sum?: { dataPoints: OtlpNumberPoint[]; isMonotonic?: boolean; aggregationTemporality?: number };
  gauge?: { dataPoints: OtlpNumberPoint[] };
  histogram?: { dataPoints: OtlpHistogramPoint[]; aggregationTemporality?: number };
}

interface TracesPayload {
  resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}
interface LogsPayload {
  resourceLogs?: {
    resource?: { attributes?: KeyValue[] };
    scopeLogs?: { logRecords?: OtlpLogRecord[] }[];
  }[];
}
interface MetricsPayload {
  resourceMetrics?: { scopeMetrics?: { scope?: { name?: string }; metrics?: OtlpMetric[] }[] }[];
}

/**
 * An in-process OpenTelemetry collector stand-in: accepts OTLP/HTTP on /v1/traces, /v1/metrics and
 * /v1/logs, answers 200, decodes JSON payloads and keeps protobuf ones as bytes.
 */
export class OtlpReceiver {
  readonly requests: OtlpRequest[] = [];
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const contentType = req.headers['content-type'] ?? '';
        const isJson = contentType.startsWith('application/json');
        receiver.requests.push({
          path: req.url ?? '',
          contentType,
          body,
          json: isJson ? JSON.parse(body.toString('utf8')) : undefined,
        });
        if (isJson) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  payloads<T>(path: string): T[] {
    return this.requests
      .filter((r) => r.path === path && r.json !== undefined)
      .map((r) => r.json as T);
  }

  spans(): OtlpSpan[] {
    return this.payloads<TracesPayload>('/v1/traces').flatMap((p) =>
      (p.resourceSpans ?? []).flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? [])),
    );
  }

  logRecords(): OtlpLogRecord[] {
    return this.payloads<LogsPayload>('/v1/logs').flatMap((p) =>
      (p.resourceLogs ?? []).flatMap((r) => (r.scopeLogs ?? []).flatMap((s) => s.logRecords ?? [])),
    );
  }

  /** The metrics of the most recent export that contains `name`. */
  latestMetric(name: string): OtlpMetric | undefined {
    let found: OtlpMetric | undefined;
    for (const payload of this.payloads<MetricsPayload>('/v1/metrics'))
      for (const resource of payload.resourceMetrics ?? [])
        for (const scope of resource.scopeMetrics ?? [])
          for (const metric of scope.metrics ?? []) if (metric.name === name) found = metric;
    return found;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }
}

/** `attributes` as a plain object of their values. */
export function attributeMap(attributes: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries(
    (attributes ?? []).map(({ key, value }) => [
      key,
      value.stringValue ??
        value.doubleValue ??
        (value.intValue === undefined ? undefined : Number(value.intValue)),
    ]),
  );
}
