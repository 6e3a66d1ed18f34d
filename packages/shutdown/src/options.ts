import { ShutdownConfigError } from './errors.js';
import { adaptLogger } from '@shipshape/contracts';
import { stderrLogger } from './stderr-logger.js';
import type { ShutdownLogger } from './types.js';

export interface ShutdownOptions {
  /** Where phases, hooks and failures are logged. Default: JSON lines on stderr. */
  readonly logger?: ShutdownLogger;
  /** Signals that start a graceful shutdown; a second one forces exit 1. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Time between the signal and the first hook, while the server keeps serving. Default 5000 in Kubernetes, else 0. */
  readonly drainDelayMs?: number;
  /** Overall deadline from the signal to the end of the hooks. */
  readonly timeoutMs?: number;
  /** Default timeout of each hook (still capped by the deadline). Default: `timeoutMs`. */
  readonly hookTimeoutMs?: number;
  /** Budget of the final hooks, which run after the deadline too. */
  readonly finalTimeoutMs?: number;
  /** HTTP hooks: a keep-alive connection that has served nothing for this long counts as idle and is closed once the listener is closed. */
  readonly socketIdleMs?: number;
  /** Called with the exit code at the end. Default `process.exit`. */
  readonly exit?: (code: number) => void;
  /** Turn `uncaughtException` / `unhandledRejection` into a bounded shutdown with exit 1. */
  readonly handleUncaught?: boolean;
  /** Environment used to detect Kubernetes (`KUBERNETES_SERVICE_HOST`). Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Alias of `timeoutMs`, so `{ ...config.shutdown }` from @shipshape/config's `shutdownSchema()` works. */
  readonly timeout?: number;
  /** Alias of `drainDelayMs`, for the same reason. */
  readonly drainDelay?: number;
}

export interface ResolvedShutdownOptions {
  readonly logger: ShutdownLogger;
  readonly signals: readonly NodeJS.Signals[];
  readonly drainDelayMs: number;
  readonly timeoutMs: number;
  readonly hookTimeoutMs: number;
  readonly finalTimeoutMs: number;
  readonly socketIdleMs: number;
  readonly exit: (code: number) => void;
  readonly handleUncaught: boolean;
}

/** Every default, written once. The README's options table is checked against this object. */
export const DEFAULTS = {
  logger: stderrLogger,
  signals: ['SIGTERM', 'SIGINT'] as readonly NodeJS.Signals[],
  drainDelayMs: 0,
  drainDelayMsInKubernetes: 5000,
  timeoutMs: 25_000,
  finalTimeoutMs: 2000,
  socketIdleMs: 250,
  exit: (code: number): void => process.exit(code),
  handleUncaught: true,
} as const;

const KNOWN = new Set([
  'logger',
  'signals',
  'drainDelayMs',
  'timeoutMs',
  'hookTimeoutMs',
  'finalTimeoutMs',
  'socketIdleMs',
  'exit',
  'handleUncaught',
  'env',
  'timeout',
  'drainDelay',
]);

/** The longest delay a Node.js timer holds; a longer one fires at once (with a warning). */
const MAX_TIMER_MS = 2_147_483_647;

function duration(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TIMER_MS) {
    throw new ShutdownConfigError(
      option,
      `expected a duration in milliseconds from 0 to ${MAX_TIMER_MS} (what a timer can hold), received ${String(value)}.`,
    );
  }
  return value;
}

function pick(
  options: ShutdownOptions,
  name: 'timeoutMs' | 'drainDelayMs',
  alias: 'timeout' | 'drainDelay',
) {
  if (
    options[name] !== undefined &&
    options[alias] !== undefined &&
    options[name] !== options[alias]
  ) {
    throw new ShutdownConfigError(
      name,
      `both "${name}" and its alias "${alias}" are set to different values; set one.`,
    );
  }
  return options[name] ?? options[alias];
}

export function resolveShutdownOptions(options: ShutdownOptions = {}): ResolvedShutdownOptions {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new ShutdownConfigError(
        key,
        `unknown option; known options are ${[...KNOWN].join(', ')}.`,
      );
    }
  }
  const env = options.env ?? process.env;
  const inKubernetes = (env['KUBERNETES_SERVICE_HOST'] ?? '') !== '';
  const timeoutMs = duration(
    'timeoutMs',
    pick(options, 'timeoutMs', 'timeout'),
    DEFAULTS.timeoutMs,
  );
  const drainDelayMs = duration(
    'drainDelayMs',
    pick(options, 'drainDelayMs', 'drainDelay'),
    inKubernetes ? DEFAULTS.drainDelayMsInKubernetes : DEFAULTS.drainDelayMs,
  );
  if (drainDelayMs >= timeoutMs) {
    throw new ShutdownConfigError(
      'drainDelayMs',
      `the drain delay (${drainDelayMs} ms) must be smaller than the shutdown deadline timeoutMs (${timeoutMs} ms), ` +
        'or no time is left to close anything. Lower SHUTDOWN_DRAIN_DELAY or raise SHUTDOWN_TIMEOUT ' +
        '(and keep the deadline below terminationGracePeriodSeconds).',
    );
  }
  const signals = options.signals ?? DEFAULTS.signals;
  if (!Array.isArray(signals)) {
    throw new ShutdownConfigError(
      'signals',
      'expected an array of signal names such as ["SIGTERM", "SIGINT"].',
    );
  }
  return {
    logger: adaptLogger(options.logger ?? DEFAULTS.logger),
    signals,
    drainDelayMs,
    timeoutMs,
    hookTimeoutMs: duration('hookTimeoutMs', options.hookTimeoutMs, timeoutMs),
    finalTimeoutMs: duration('finalTimeoutMs', options.finalTimeoutMs, DEFAULTS.finalTimeoutMs),
    socketIdleMs: duration('socketIdleMs', options.socketIdleMs, DEFAULTS.socketIdleMs),
    exit: options.exit ?? DEFAULTS.exit,
    handleUncaught: options.handleUncaught ?? DEFAULTS.handleUncaught,
  };
}
