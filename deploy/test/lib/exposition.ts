/** One sample line of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface Exposition {
  /** Every name a query may use: sample names, and declared families with their series suffixes. */
  names: Set<string>;
  samples: Sample[];
}

const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
  // Text format declares a counter by its full name, OpenMetrics without _total.
  counter: ['', '_total'],
  gauge: [''],
  untyped: [''],
};

/**
 * Parses Prometheus text format 0.0.4 or OpenMetrics. A family declared by `# TYPE` counts as present even
 * before its first sample (a labelled histogram shows no series until something is observed), with
 * the names its type produces: histogram → _bucket, _sum, _count.
 */
export function parseExposition(text: string): Exposition {
  const names = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE ([A-Za-z_:][A-Za-z0-9_:]*) (\w+)/.exec(line);
    if (type) {
      for (const suffix of SUFFIXES[type[2] ?? ''] ?? ['']) names.add(`${type[1] ?? ''}${suffix}`);
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    // Label values may hold "}" and an OpenMetrics exemplar may follow the value.
    const sample =
      /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{((?:[^"}]|"(?:[^"\\]|\\.)*")*)\})?\s+(\S+)/.exec(line);
    if (!sample?.[1]) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const match of (sample[2] ?? '').matchAll(
      /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g,
    )) {
      labels[match[1] ?? ''] = (match[2] ?? '').replace(/\\(.)/g, (_, c: string) =>
        c === 'n' ? '\n' : c,
      );
    }
    names.add(sample[1]);
    samples.push({ name: sample[1], labels, value: Number(sample[3]) });
  }
  return { names, samples };
}
