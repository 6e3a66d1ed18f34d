/**
 * Instructions per request of the HTTP stacks, counted by valgrind's callgrind: what each
 * component adds to bare Express, independent of the machine's speed and of what else runs on it.
 */

/** One stack's two callgrind totals: after `warmup` requests, and after `warmup + measured`. */
export interface InstructionSample {
  readonly shortRun: number;
  readonly longRun: number;
}

export interface InstructionsRecord {
  readonly when: string;
  readonly node: string;
  readonly valgrind: string;
  readonly machine: string;
  readonly warmupRequests: number;
  readonly measuredRequests: number;
  /** Per stack (the `http` case's variant names), two totals per repetition. */
  readonly samples: Readonly<Record<string, readonly InstructionSample[]>>;
}

/** Instructions per request of one repetition: the difference of the two runs over the extra requests. */
export function perRequest(sample: InstructionSample, measuredRequests: number): number {
  return (sample.longRun - sample.shortRun) / measuredRequests;
}

/** The median over repetitions of instructions per request, per stack. */
export function instructionsPerRequest(record: InstructionsRecord): Map<string, number> {
  const out = new Map<string, number>();
  for (const [stack, samples] of Object.entries(record.samples)) {
    const values = samples
      .map((sample) => perRequest(sample, record.measuredRequests))
      .sort((a, b) => a - b);
    const mid = Math.floor(values.length / 2);
    out.set(
      stack,
      values.length % 2 === 1
        ? (values[mid] ?? NaN)
        : ((values[mid - 1] ?? NaN) + (values[mid] ?? NaN)) / 2,
    );
  }
  return out;
}

export interface ComponentRow {
  readonly component: string;
  readonly how: string;
  /** Instructions per request it adds (negative: it saves). */
  readonly added: number;
}

/** What each component adds per request, from the stacks' differences. */
export function components(perStack: ReadonlyMap<string, number>): ComponentRow[] {
  const get = (stack: string): number => perStack.get(stack) ?? NaN;
  const bare = get('bare');
  const logger = get('shipshape-logger') - bare;
  const metrics = get('shipshape-metrics') - bare;
  const full = get('shipshape') - bare;
  const rows: ComponentRow[] = [];
  if (perStack.has('shipshape-context')) {
    const context = get('shipshape-context') - bare;
    rows.push(
      {
        component: 'request context (id, AsyncLocalStorage, lifecycle)',
        how: 'shipshape-context − bare',
        added: context,
      },
      {
        component: 'JSON access log (an observer)',
        how: 'shipshape-logger − shipshape-context',
        added: logger - context,
      },
    );
  }
  rows.push(
    {
      component: 'request context + JSON access log',
      how: 'shipshape-logger − bare',
      added: logger,
    },
    { component: 'RED metrics (alone)', how: 'shipshape-metrics − bare', added: metrics },
    {
      component: 'one lifecycle shared by both',
      how: 'shipshape − (shipshape-logger + shipshape-metrics − bare)',
      added: full - logger - metrics,
    },
    { component: 'full instrumentation', how: 'shipshape − bare', added: full },
  );
  if (perStack.has('handwritten-pino')) {
    const hand = get('handwritten-pino') - bare;
    rows.push(
      {
        component: 'hand-written ALS + pino + prom-client',
        how: 'handwritten-pino − bare',
        added: hand,
      },
      {
        component: 'shipshape beyond the hand-written stack',
        how: 'shipshape − handwritten-pino',
        added: full - hand,
      },
    );
  }
  return rows;
}

const thousands = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en') : '–';

/** The RESULTS.md section: conditions, instructions per stack, then per component. */
export function instructionsSection(record: InstructionsRecord): string {
  const perStack = instructionsPerRequest(record);
  const bare = perStack.get('bare') ?? NaN;
  const repetitions = Math.max(...Object.values(record.samples).map((s) => s.length));
  const stackRows = [...perStack].map(([stack, ir]) => {
    const spread = (record.samples[stack] ?? []).map((s) =>
      thousands(perRequest(s, record.measuredRequests)),
    );
    const ratios = Number.isFinite(bare)
      ? `${(ir / bare).toFixed(2)} × | ${(bare / ir).toFixed(2)} ×`
      : '– | –';
    return `| ${stack} | ${thousands(ir)} | ${ratios} | ${spread.join(', ')} |`;
  });
  const componentRows = components(perStack).map(
    (row) =>
      `| ${row.component} | \`${row.how}\` | ${thousands(row.added)} | ${
        Number.isFinite(bare) ? `${((100 * row.added) / bare).toFixed(1)} %` : '–'
      } |`,
  );
  return [
    '## Instructions per request (callgrind)',
    '',
    `Counted by ${record.valgrind} (\`--tool=callgrind\`) on ${record.machine}, Node ${record.node}, ` +
      `${record.when}: each stack of the \`http\` case under callgrind, one keep-alive client sending ` +
      `requests one at a time; instructions per request = (total after ${(record.warmupRequests + record.measuredRequests).toLocaleString('en')} ` +
      `requests − total after ${record.warmupRequests.toLocaleString('en')}) / ${record.measuredRequests.toLocaleString('en')}, ` +
      `median of ${repetitions} repetition${repetitions === 1 ? '' : 's'}. Counts do not depend on the ` +
      'machine’s speed; timing still moves them a little (timers, writes batched by time), as the ' +
      'repetitions show. The client runs outside valgrind and is not counted.',
    '',
    'The last ratio, bare ÷ stack, is the share of bare Express’s requests per second a stack keeps ' +
      'when the server is CPU-bound, as in the `http` case: it is what the timed ratios estimate, ' +
      'without the machine’s drift.',
    '',
    '| stack | instructions / request | × bare | bare ÷ stack | each repetition |',
    '| ----- | ---------------------- | ------ | ------------ | --------------- |',
    ...stackRows,
    '',
    '| component | from | instructions / request added | of bare Express’s |',
    '| --------- | ---- | ---------------------------- | ----------------- |',
    ...componentRows,
    '',
  ].join('\n');
}
