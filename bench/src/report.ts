import type { NodeBinary } from './compare-node.js';
import type { Machine } from './machine.js';
import type { LoadCheck } from './quiet.js';
import { withSpread } from './format.js';
import {
  LOGGER_SHAPES,
  loggerCaseName,
  PINO_CONTENDERS,
  SHAPE_LABELS,
  WINSTON_CASE,
} from './logger-shapes.js';
import { nodeComparison, nodeComparisonHeading } from './node-report.js';
import { ratio, roundRatios, type CaseResult } from './rounds.js';
import type { TargetVerdict } from './targets.js';

/** Everything a report says about the run its figures come from. */
export interface RunInfo {
  readonly when: Date;
  readonly machine: Machine;
  readonly rounds: number;
  readonly smoke: boolean;
  readonly busy: boolean;
  readonly maxLoad: number;
  readonly beforeRun: LoadCheck | undefined;
  readonly command: string;
  /** With `--compare-node`: the runner's Node.js and the other one. */
  readonly nodes?: { readonly own: NodeBinary; readonly other: NodeBinary } | undefined;
}

const loadShown = (check: LoadCheck): string =>
  `${check.loadAverage1m.toFixed(2)} / ${check.othersBusyCores.toFixed(2)}${check.busy ? ' **BUSY**' : ''}`;

/** A Markdown table of a case: one row per contender, a column per metric, and the ratio. */
export function caseTable(result: CaseResult): string {
  const metrics = Object.keys(result.units);
  const header = [
    '',
    ...metrics.map((m) => (result.units[m] ? `${m} (${result.units[m]})` : m)),
    `ratio of ${result.ratioOf.metric}`,
  ];
  const rows = Object.keys(result.medians).map((contender) => [
    contender === result.baseline ? `${contender} (baseline)` : contender,
    ...metrics.map((m) =>
      withSpread(result.samples[contender]?.[m] ?? [], result.medians[contender]?.[m] ?? NaN),
    ),
    `${withSpread(roundRatios(result, contender), ratio(result, contender))} ×`,
  ]);
  return [header, header.map(() => '---'), ...rows]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
}

/**
 * The logger's call-shape table: a row per call shape (and the winston transport), shipshape's
 * lines/s beside each contender's, and shipshape's ratio to each (per round in brackets); '' when no
 * logger case ran.
 */
export function loggerShapeTable(results: readonly CaseResult[]): string {
  const byCase = new Map(results.map((result) => [result.case, result]));
  const rows = [
    ...LOGGER_SHAPES.map((shape) => ({
      label: `${shape}: ${SHAPE_LABELS[shape]}`,
      result: byCase.get(loggerCaseName(shape)),
    })),
    { label: 'winston File transport', result: byCase.get(WINSTON_CASE) },
  ].filter((row) => row.result !== undefined);
  if (rows.length === 0) return '';
  const metric = 'lines_per_second';
  const against = [...PINO_CONTENDERS, 'winston'];
  const header = [
    'call shape',
    ...['shipshape', ...against].map((contender) => `${contender} (lines/s)`),
    ...against.map((contender) => `shipshape ÷ ${contender}`),
  ];
  const body = rows.map(({ label, result }) => {
    const ran = (contender: string) => result?.medians[contender]?.[metric] !== undefined;
    return [
      label,
      ...['shipshape', ...against].map((contender) =>
        result !== undefined && ran(contender)
          ? withSpread(
              result.samples[contender]?.[metric] ?? [],
              result.medians[contender]?.[metric] ?? NaN,
            )
          : '–',
      ),
      ...against.map((contender) =>
        result !== undefined && ran(contender) && ran('shipshape')
          ? `${withSpread(roundRatios(result, 'shipshape', contender), ratio(result, 'shipshape', contender))} ×`
          : '–',
      ),
    ];
  });
  return [header, header.map(() => '---'), ...body]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
}

/** The heading of the telemetry section; packages/telemetry/README.md links to it by name. */
export const TELEMETRY_HEADING = 'Telemetry overhead';

/** `median (lowest–highest)` of a per-round difference `contender − against` of one metric. */
function roundDifference(
  result: CaseResult,
  metric: string,
  contender: string,
  against: string,
): string {
  const mine = result.samples[contender]?.[metric] ?? [];
  const theirs = result.samples[against]?.[metric] ?? [];
  const differences = mine.map((value, index) => value - (theirs[index] ?? Number.NaN));
  const middle =
    (result.medians[contender]?.[metric] ?? NaN) - (result.medians[against]?.[metric] ?? NaN);
  return withSpread(differences, middle);
}

function cells(result: CaseResult, contender: string, metric: string): string {
  const middle = result.medians[contender]?.[metric];
  return middle === undefined ? '–' : withSpread(result.samples[contender]?.[metric] ?? [], middle);
}

/**
 * The telemetry tables: HTTP overhead of tracing off, unsampled and sampled side by side (ratio of
 * req/s and µs added per request, against `off`, per round), and, when the start-up case ran, the
 * API's start-up with the preload and telemetry off against no preload. '' when neither ran.
 */
export function telemetryTables(results: readonly CaseResult[]): string {
  const http = results.find((result) => result.case === 'telemetry');
  const startup = results.find(
    (result) => result.case === 'startup' && result.medians['api-preload-off'] !== undefined,
  );
  const tables: string[] = [];
  if (http !== undefined) {
    const header = [
      'tracing',
      'req/s',
      'p99 (ms)',
      'µs/req',
      'spans exported per request',
      'req/s ÷ off',
      'µs added per request',
    ];
    const rows = Object.keys(http.medians).map((contender) => [
      contender === http.baseline ? `${contender} (baseline)` : contender,
      cells(http, contender, 'requests_per_second'),
      cells(http, contender, 'latency_p99_ms'),
      cells(http, contender, 'time_per_request_us'),
      cells(http, contender, 'spans_exported_per_request'),
      `${withSpread(roundRatios(http, contender), ratio(http, contender))} ×`,
      roundDifference(http, 'time_per_request_us', contender, http.baseline),
    ]);
    tables.push(
      [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n'),
    );
  }
  if (startup !== undefined) {
    const header = ['API start-up', 'ready after (ms)', '÷ no preload', 'ms added'];
    const rows = (
      [
        ['no preload (`node dist/main.js`)', 'api'],
        [
          'preload, telemetry off (`node --import @shipshape/telemetry/register dist/main.js`)',
          'api-preload-off',
        ],
      ] as const
    ).map(([label, contender]) => [
      label,
      cells(startup, contender, 'ready_after_ms'),
      `${withSpread(roundRatios(startup, contender, 'api'), ratio(startup, contender, 'api'))} ×`,
      roundDifference(startup, 'ready_after_ms', contender, 'api'),
    ]);
    tables.push(
      [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n'),
    );
  }
  return tables.join('\n\n');
}

export function targetsTable(verdicts: readonly TargetVerdict[]): string {
  const rows = verdicts.map(
    (v) => `| ${v.target} | ${v.measured} | ${v.met ? 'met' : '**not met**'} |`,
  );
  return ['| target | measured | verdict |', '| --- | --- | --- |', ...rows].join('\n');
}

function runTable(run: RunInfo): string {
  const { machine, beforeRun } = run;
  const rows = [
    ['date', run.when.toISOString()],
    ['command', `\`${run.command}\``],
    [
      'machine',
      `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}`,
    ],
    [
      'Node',
      run.nodes === undefined
        ? machine.node
        : `${machine.node}; the contenders marked @${run.nodes.other.label} under ${run.nodes.other.version} (\`${run.nodes.other.path}\`)`,
    ],
    ['placement', machine.pinning],
    [
      'rounds',
      `${run.rounds}, every contender in every round, the order rotated each round (A B C, B C A, …)`,
    ],
    [
      'load before the run',
      beforeRun === undefined
        ? 'not checked'
        : `load average (1 min) ${beforeRun.loadAverage1m.toFixed(2)}, others' CPU ${beforeRun.othersBusyCores.toFixed(2)} cores`,
    ],
    ['busy above', `${run.maxLoad} (load average before the run; others' CPU before every round)`],
  ];
  return ['| run | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

/** The generated part of RESULTS.md: the run, the targets, the charts and every case's table. */
export function markdownReport(
  results: readonly CaseResult[],
  verdicts: readonly TargetVerdict[],
  run: RunInfo,
  charts: readonly { readonly file: string; readonly title: string }[],
): string {
  const warnings: string[] = [];
  if (run.smoke)
    warnings.push(
      '> **SMOKE RUN** (one short round per case, quiet-machine check overridden): it proves the ' +
        'pipeline works; its figures are not to be quoted.',
    );
  if (run.busy)
    warnings.push(
      '> **BUSY**: the machine was busy before the run or before a round (marked below); these ' +
        'figures do not reproduce.',
    );
  const sections = results.map((result) => {
    const loads = result.loadChecks
      .map((check, index) => `round ${index + 1}: ${loadShown(check)}`)
      .join('; ');
    return [
      `### ${result.case}`,
      '',
      `${result.description}. Median of ${result.rounds} round${result.rounds === 1 ? '' : 's'}` +
        `${result.rounds > 1 ? ', lowest–highest round in brackets' : ''}. ` +
        `Load average (1 min) / others' CPU (cores) before each round: ${loads}.`,
      '',
      caseTable(result),
      '',
    ].join('\n');
  });
  return [
    ...warnings.flatMap((warning) => [warning, '']),
    '## The run',
    '',
    runTable(run),
    '',
    '## Targets',
    '',
    targetsTable(verdicts),
    '',
    ...loggerSection(results),
    ...telemetrySection(results),
    ...nodeSection(results, run),
    '## Charts',
    '',
    ...charts.map((chart) => `![${chart.title}](${chart.file})\n`),
    '## Cases',
    '',
    ...sections,
  ].join('\n');
}

/** `## Node 20 → 24` and its table, when the run compared Node.js versions. */
function nodeSection(results: readonly CaseResult[], run: RunInfo): string[] {
  if (run.nodes === undefined) return [];
  const table = nodeComparison(results, run.nodes);
  return table === '' ? [] : [`## ${nodeComparisonHeading(run.nodes)}`, '', table, ''];
}

/** `## Telemetry overhead` and its tables, when the telemetry or the start-up case ran. */
function telemetrySection(results: readonly CaseResult[]): string[] {
  const tables = telemetryTables(results);
  if (tables === '') return [];
  return [
    `## ${TELEMETRY_HEADING}`,
    '',
    'What `@shipshape/telemetry` costs. HTTP: the same Express 5 GET as the `http` case, started ' +
      'with `--import @shipshape/telemetry/register`, with no exporter configured (`off`), with ' +
      'traces exported over OTLP/HTTP but none sampled (`unsampled`, `OTEL_TRACES_SAMPLER=always_off`) ' +
      'and with every request sampled (`sampled`, `always_on`, the SDK defaults otherwise), to a ' +
      'collector in a process of its own; metrics and logs export off. Spans exported per request ' +
      'counts what the collector received (the flush at shutdown included): below the spans a ' +
      'request makes, the batch span processor dropped the rest. Start-up: process start to ' +
      '`/readyz` 200 of the API with telemetry off, with and without the preload (the `startup` ' +
      'case). Ratios and differences are taken per round; with more than one round, the ' +
      'lowest–highest round is in brackets.',
    '',
    tables,
    '',
  ];
}

/** `## Logger call shapes` and its table, when a logger case ran. */
function loggerSection(results: readonly CaseResult[]): string[] {
  const table = loggerShapeTable(results);
  if (table === '') return [];
  return [
    '## Logger call shapes',
    '',
    'Lines per second of each call shape (the `logger-*` cases below): shipshape against pino with ' +
      'a synchronous and with an asynchronous destination, and, with a winston File transport, ' +
      'against plain winston with the same transport. The target is met only when shipshape is at ' +
      'least 1.0 × every contender of its row. Ratios are taken per round; with more than one ' +
      'round, the lowest–highest round is in brackets.',
    '',
    table,
    '',
  ];
}
