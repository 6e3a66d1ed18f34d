import { LoggerError } from './errors.js';
import type { Level } from './levels.js';
import { PendingLine, TransportSink, type LogTransport } from './transport-sink.js';

/** Reports a transport's first failure (once per transport) somewhere other than that transport. */
export type TransportFailureReporter = (name: string, problem: string, error: unknown) => void;

/** The winston transports of one root logger: every line goes to each that accepts its level. */
export class Transports {
  readonly #sinks: readonly TransportSink[];
  readonly #budgetMs: number;
  #seq = 0;

  constructor(
    transports: readonly LogTransport[],
    budgetMs: number,
    report: TransportFailureReporter,
  ) {
    this.#budgetMs = budgetMs;
    this.#sinks = transports.map(
      (transport, index) =>
        new TransportSink(transport, index, (sink, problem, error) => {
          report(sink.name, problem, error);
        }),
    );
  }

  /** True when at least one transport takes lines of `level`. */
  accepts(level: Level): boolean {
    for (const sink of this.#sinks) if (sink.accepts(level)) return true;
    return false;
  }

  /** Hands one JSON line to every transport that takes its level (one info object shared by all). */
  write(jsonLine: string, level: Level): void {
    const line = new PendingLine(jsonLine, level, ++this.#seq);
    for (const sink of this.#sinks) if (sink.accepts(level)) sink.write(line);
  }

  flush(): Promise<void> {
    return settleAll(this.#sinks.map((sink) => sink.flush(this.#budgetMs)));
  }

  close(): Promise<void> {
    return settleAll(this.#sinks.map((sink) => sink.close(this.#budgetMs)));
  }
}

/** Waits for every promise; rejects with the first failure, naming the others. */
export async function settleAll(promises: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failures = results
    .filter((result): result is PromiseRejectedResult => result.status === 'rejected')
    .map((result) => result.reason as unknown);
  if (failures.length === 0) return;
  if (failures.length === 1) throw failures[0];
  throw new LoggerError(
    'LOGGER_DESTINATION_FAILED',
    failures
      .map((failure) => (failure instanceof Error ? failure.message : String(failure)))
      .join(' '),
    { cause: failures[0] },
  );
}
