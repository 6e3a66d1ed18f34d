import { fileURLToPath, pathToFileURL } from 'node:url';
import { reported, startChild, type Child } from '../child.js';
import { alternate, type CaseResult, type Contender } from '../rounds.js';
import type { BenchOptions } from '../options.js';

/** The built preload, as `node --import @shipshape/telemetry/register` loads it. */
const REGISTER = pathToFileURL(
  fileURLToPath(new URL('../../../packages/telemetry/dist/register.js', import.meta.url)),
).href;

/** Exporter variables emptied for `off` (an empty variable counts as unset, for this package and the SDK). */
export const NO_EXPORTER = {
  OTEL_EXPORTER_OTLP_ENDPOINT: '',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: '',
  OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: '',
  OTEL_TRACES_EXPORTER: '',
  OTEL_METRICS_EXPORTER: '',
  OTEL_LOGS_EXPORTER: '',
  OTEL_SDK_DISABLED: '',
};

export const TELEMETRY_CONTENDERS = ['off', 'unsampled', 'sampled'] as const;
export type TelemetryContender = (typeof TELEMETRY_CONTENDERS)[number];

/** The OTEL_* variables of each contender; traces only, so the figures are tracing's cost. */
export function telemetryEnv(contender: TelemetryContender, collector: string): NodeJS.ProcessEnv {
  if (contender === 'off') return NO_EXPORTER;
  return {
    ...NO_EXPORTER,
    OTEL_EXPORTER_OTLP_ENDPOINT: collector,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_SERVICE_NAME: 'bench',
    OTEL_TRACES_SAMPLER: contender === 'sampled' ? 'always_on' : 'always_off',
  };
}

interface SinkStats {
  readonly requests: Record<string, number>;
  readonly spans: number;
}

async function stopGracefully(server: Child): Promise<void> {
  server.process.kill('SIGTERM');
  const timeout = setTimeout(() => server.process.kill('SIGKILL'), 15_000);
  const { code } = await server.exited;
  clearTimeout(timeout);
  if (code !== 0) throw new Error(`telemetry-server exited ${String(code)} after SIGTERM`);
}

/**
 * What the collector must have received for the figures to count: spans from `sampled` (at least
 * one per request would be ideal, but the SDK's default queue drops what it cannot keep up with;
 * the column shows how many made it), no trace export at all from the others.
 */
export function checkDelivery(contender: TelemetryContender, stats: SinkStats): void {
  const traceExports = stats.requests['/v1/traces'] ?? 0;
  if (contender === 'sampled' && stats.spans === 0)
    throw new Error('telemetry sampled: the collector received no span; tracing did not export');
  if (contender !== 'sampled' && traceExports > 0)
    throw new Error(
      `telemetry ${contender}: the collector received ${traceExports} trace exports (${stats.spans} spans); expected none`,
    );
  if (contender === 'off' && Object.keys(stats.requests).length > 0)
    throw new Error(
      `telemetry off: the collector received ${JSON.stringify(stats.requests)}; expected nothing`,
    );
}

function contender(name: TelemetryContender, options: BenchOptions): Contender {
  return {
    name,
    async measure() {
      const sink = startChild('otlp-sink', [], options.pinning.load);
      try {
        const { port: sinkPort } = (await sink.ready) as { port: number };
        const collector = `http://127.0.0.1:${String(sinkPort)}`;
        const server = startChild('telemetry-server', [], options.pinning.server, {
          env: {
            ...telemetryEnv(name, collector),
            NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import ${REGISTER}`.trim(),
            BENCH_TELEMETRY_REGISTER: REGISTER,
          },
        });
        let result: Record<string, unknown>;
        try {
          const ready = await server.ready;
          if (ready['telemetry'] !== (name !== 'off'))
            throw new Error(
              `telemetry ${name}: the server reports telemetry ${String(ready['telemetry'])}`,
            );
          const [warmup, seconds] = options.smoke ? ['0.5', '1'] : ['1', '5'];
          const generator = startChild(
            'load-generator',
            [String(reported(ready, 'port')), '/v1/items/42', '20', warmup, seconds],
            options.pinning.load,
          );
          result = await generator.ready;
          await generator.exited;
          // SIGTERM: the server flushes what its batch span processor still holds, then exits 0.
          await stopGracefully(server);
        } finally {
          await server.stop();
        }
        if (reported(result, 'non2xx') > 0 || reported(result, 'errors') > 0) {
          throw new Error(
            `telemetry ${name}: ${reported(result, 'non2xx')} non-2xx answers and ${reported(result, 'errors')} errors under load`,
          );
        }
        const stats = (await (await fetch(`${collector}/stats`)).json()) as SinkStats;
        checkDelivery(name, stats);
        const rps = reported(result, 'requests_per_second');
        return {
          requests_per_second: rps,
          latency_p99_ms: reported(result, 'latency_p99_ms'),
          time_per_request_us: 1_000_000 / rps,
          spans_exported_per_request: stats.spans / reported(result, 'answered_2xx'),
        };
      } finally {
        await sink.stop();
      }
    },
  };
}

export async function telemetryCase(options: BenchOptions): Promise<CaseResult> {
  return alternate(
    {
      case: 'telemetry',
      description:
        "the HTTP case's bare Express 5 GET started with `--import @shipshape/telemetry/register`: " +
        '`off` no exporter configured (the preload loads no OpenTelemetry); `unsampled` traces over ' +
        'OTLP/HTTP protobuf with `OTEL_TRACES_SAMPLER=always_off`; `sampled` the same with `always_on`, ' +
        'the SDK defaults otherwise (batch span processor: 5 s delay, queue of 2048, batches of 512); ' +
        'metrics and logs export off; the collector a process of its own beside the load generator, ' +
        'counting the spans it receives (flush at SIGTERM included). autocannon in its own process, ' +
        '20 keep-alive connections, requests per second',
      baseline: 'off',
      ratioOf: { metric: 'requests_per_second', better: 'higher' },
      units: {
        requests_per_second: 'req/s',
        latency_p99_ms: 'ms',
        time_per_request_us: 'µs/req',
        spans_exported_per_request: 'spans/req',
      },
    },
    TELEMETRY_CONTENDERS.map((name) => contender(name, options)),
    options,
  );
}
