import { HealthError } from './errors.js';
import { createHandler, type HealthHandler } from './handler.js';
import { resolveOptions, type HealthOptions, type ResolvedHealthOptions } from './options.js';
import { createProbeRunner, type ProbeRunner, type ProbeRegistry } from './registry.js';
import { buildResponse, worst } from './response.js';
import type {
  CheckEvent,
  CheckResult,
  HealthResponse,
  HealthStatus,
  ProbeName,
  RunTarget,
} from './types.js';

export type CheckListener = (event: CheckEvent) => void;

export interface Health {
  /** Checks that say the process is alive and not stuck. Never add dependencies here. */
  readonly liveness: ProbeRegistry;
  /** Checks that say this instance can take traffic (databases, queues, workers). */
  readonly readiness: ProbeRegistry;
  /** Checks that say initialisation has finished. */
  readonly startup: ProbeRegistry;
  /** Readiness fails from now on (call it when shutdown starts draining). Idempotent. */
  draining(): void;
  /** Startup and readiness may pass from now on. Idempotent. */
  markStarted(): void;
  /** Current lifecycle: 'starting' until markStarted(), 'draining' after draining(), else 'started'. */
  readonly state: 'starting' | 'started' | 'draining';
  /** Evaluates a probe (or all of them) and returns the full application/health+json body. */
  run(target: RunTarget): Promise<HealthResponse>;
  /** node:http / Express handler for /livez, /readyz, /startupz and /healthz. */
  readonly handler: HealthHandler;
  /** Called once per check execution (cache hits do not repeat events). */
  on(event: 'check', listener: CheckListener): Health;
  off(event: 'check', listener: CheckListener): Health;
}

interface Evaluation {
  readonly status: HealthStatus;
  readonly results: readonly CheckResult[];
  readonly outputs: readonly string[];
}

const TARGETS: readonly RunTarget[] = ['liveness', 'readiness', 'startup', 'health'];

export const STARTING_OUTPUT =
  'starting: initialisation has not finished (markStarted() not called)';
export const DRAINING_OUTPUT = 'draining: this instance is shutting down and takes no new traffic';

export function createHealth(options: HealthOptions = {}): Health {
  const resolved: ResolvedHealthOptions = resolveOptions(options);
  const { logger } = resolved;
  const listeners = new Set<CheckListener>();
  let started = false;
  let isDraining = false;

  function onResult(result: CheckResult, previous: HealthStatus | undefined): void {
    const event: CheckEvent = {
      probe: result.probe,
      name: result.name,
      status: result.status,
      durationMs: result.durationMs,
    };
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger?.warn('health: a check listener threw; the probe result is unaffected', {
          probe: result.probe,
          check: result.name,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (logger === undefined || previous === result.status) return;
    const fields = {
      probe: result.probe,
      check: result.name,
      status: result.status,
      previous_status: previous ?? null,
      duration_ms: result.durationMs,
      ...(result.output === undefined ? {} : { output: result.output }),
    };
    if (result.status === 'fail')
      logger.error(`health: ${result.probe} check "${result.name}" failed`, fields);
    else if (result.status === 'warn')
      logger.warn(`health: ${result.probe} check "${result.name}" warns`, fields);
    else if (previous !== undefined)
      logger.info(`health: ${result.probe} check "${result.name}" recovered`, fields);
  }

  const runner = (probe: ProbeName): ProbeRunner =>
    createProbeRunner({
      probe,
      timeoutMs: resolved.timeoutMs,
      cacheTtlMs: resolved.cacheTtlMs,
      onResult,
    });
  const probes: Record<ProbeName, ProbeRunner> = {
    liveness: runner('liveness'),
    readiness: runner('readiness'),
    startup: runner('startup'),
  };

  function gate(probe: ProbeName): string | undefined {
    if (probe === 'liveness') return undefined;
    if (probe === 'readiness' && isDraining) return DRAINING_OUTPUT;
    if (!started) return STARTING_OUTPUT;
    return undefined;
  }

  async function evaluate(probe: ProbeName): Promise<Evaluation> {
    const before = gate(probe);
    if (before !== undefined) return { status: 'fail', results: [], outputs: [before] };
    const results = await probes[probe].run();
    // Lifecycle wins over results that were in flight when draining() was called.
    const after = gate(probe);
    if (after !== undefined) return { status: 'fail', results, outputs: [after] };
    return { status: worst(results.map((r) => r.status)), results, outputs: [] };
  }

  async function run(target: RunTarget): Promise<HealthResponse> {
    if (!TARGETS.includes(target)) {
      throw new HealthError(
        'HEALTH_INVALID_OPTION',
        `health: run() takes ${TARGETS.join(', ')}; got ${JSON.stringify(target)}.`,
      );
    }
    if (target !== 'health') {
      const { status, results, outputs } = await evaluate(target);
      return buildResponse(target, status, results, outputs);
    }
    const all = await Promise.all([
      evaluate('liveness'),
      evaluate('readiness'),
      evaluate('startup'),
    ]);
    const outputs = [...new Set(all.flatMap((e) => e.outputs))];
    return buildResponse(
      'health',
      worst(all.map((e) => e.status)),
      all.flatMap((e) => e.results),
      outputs,
    );
  }

  const health: Health = {
    liveness: probes.liveness,
    readiness: probes.readiness,
    startup: probes.startup,
    draining() {
      if (isDraining) return;
      isDraining = true;
      logger?.info('health: draining; readiness fails from now on');
    },
    markStarted() {
      if (started) return;
      started = true;
      logger?.info('health: started; startup and readiness may pass from now on');
    },
    get state() {
      if (isDraining) return 'draining';
      return started ? 'started' : 'starting';
    },
    run,
    handler: createHandler({ run, verbose: resolved.verbose, logger }),
    on(_event, listener) {
      listeners.add(listener);
      return health;
    },
    off(_event, listener) {
      listeners.delete(listener);
      return health;
    },
  };
  return health;
}
