import { reported, startChild } from '../child.js';
import {
  LOGGER_SHAPES,
  loggerCaseName,
  SHAPE_CONTENDERS,
  WINSTON_CASE,
  WINSTON_CONTENDERS,
  type LoggerShape,
} from '../logger-shapes.js';
import { alternate, type CaseDescription, type CaseResult, type Contender } from '../rounds.js';
import type { BenchOptions } from '../options.js';

function contender(
  shape: LoggerShape | 'winston',
  variant: string,
  lines: number,
  options: BenchOptions,
): Contender {
  return {
    name: variant,
    async measure() {
      const child = startChild(
        'logger-throughput',
        [shape, variant, String(lines)],
        options.pinning.server,
      );
      const result = await child.ready;
      await child.exited;
      return {
        delivered_percent: (100 * reported(result, 'delivered')) / lines,
        lines_per_second: reported(result, 'lines_per_second'),
        peak_rss_mb: reported(result, 'peak_rss_mb'),
        disabled_call_ns: reported(result, 'disabled_call_ns'),
        disabled_vs_emitted_percent:
          (100 * reported(result, 'disabled_call_ns')) / reported(result, 'emitted_line_ns'),
        bytes_per_line: reported(result, 'bytes') / lines,
      };
    },
  };
}

const units = {
  delivered_percent: '%',
  lines_per_second: 'lines/s',
  peak_rss_mb: 'MB',
  disabled_call_ns: 'ns',
  disabled_vs_emitted_percent: '%',
  bytes_per_line: 'B',
};

/** How each shape reaches the ids, per contender, for the case's description in RESULTS.md. */
const HOW: Readonly<Record<LoggerShape, string>> = {
  context:
    'ids from context: shipshape reads request_id from runWithContext and trace_id/span_id from the active OpenTelemetry span; pino logs through a child bound once with the ids (its best case)',
  fields:
    'ids as call fields: one prebuilt object with the ids and the access fields, passed as is every call',
  child: 'a child per request: `logger.child(ids).info(…)` for every line, on both',
  'new-context':
    'a new context per request: shipshape `runWithContext(ids, () => logger.info(…))` per line; pino `als.run(ids, () => logger.info(…))` per line with `mixin: () => als.getStore()`',
};

/**
 * One case per call shape (shipshape, pino with a synchronous and with an asynchronous
 * destination; the ratio column is against `pino-sync`, the call-shape table and the targets
 * against both), and the winston case (a File transport under shipshape against plain winston).
 */
export async function loggerCases(options: BenchOptions): Promise<CaseResult[]> {
  const lines = options.smoke ? 20_000 : 200_000;
  const common = `${lines} JSON lines with a request id, trace ids and the access fields to a file, flush included`;
  const results: CaseResult[] = [];
  for (const shape of LOGGER_SHAPES) {
    const description: CaseDescription = {
      case: loggerCaseName(shape),
      description: `${common}; ${HOW[shape]}; the ratio column is against pino-sync`,
      baseline: 'pino-sync',
      ratioOf: { metric: 'lines_per_second', better: 'higher' },
      units,
    };
    results.push(
      await alternate(
        description,
        SHAPE_CONTENDERS.map((variant) => contender(shape, variant, lines, options)),
        options,
      ),
    );
  }
  results.push(
    await alternate(
      {
        case: WINSTON_CASE,
        description: `${common}; ids as call fields; shipshape with \`transports: [new winston.transports.File(…)]\` and no destination against plain winston (\`combine(timestamp(), json())\`) with the same transport`,
        baseline: 'winston',
        ratioOf: { metric: 'lines_per_second', better: 'higher' },
        units,
      },
      WINSTON_CONTENDERS.map((variant) => contender('winston', variant, lines, options)),
      options,
    ),
  );
  return results;
}
