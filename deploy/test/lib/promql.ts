/** Words that look like identifiers in PromQL but are not metric names. */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);

/** A vector selector with its label matchers, e.g. `up{job="api"}` → { name: 'up', matchers: [...] }. */
export interface Selector {
  name: string;
  matchers: { label: string; op: '=' | '!=' | '=~' | '!~'; value: string }[];
}

/**
 * The vector selectors of a PromQL expression, metric name and label matchers. A small lexer, not a
 * full parser: it drops string literals, range and subquery brackets, grouping clauses and Grafana
 * variables, then takes every identifier that is not a function call or a keyword. Good for the
 * expressions these rules and dashboards use; `promtool check rules` validates the full syntax.
 */
export function selectors(expression: string): Selector[] {
  const found: Selector[] = [];
  // Grafana variables: $var, ${var}, $__rate_interval.
  let text = expression.replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, '1m');
  // Range and subquery brackets.
  text = text.replace(/\[[^\]]*\]/g, ' ');
  // Grouping clauses name labels, not metrics.
  text = text.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const pattern = /[A-Za-z_:][A-Za-z0-9_:]*|\{|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    const token = match[0];
    if (token.startsWith('"') || token.startsWith("'")) continue;
    if (token === '{') {
      // A selector without a name ({__name__=…}) is not used here; skip its matchers.
      pattern.lastIndex = closingBrace(text, match.index) + 1;
      continue;
    }
    const before = text[match.index - 1];
    if (before !== undefined && /[0-9.]/.test(before)) continue; // 5m, 1e3
    const rest = text.slice(match.index + token.length);
    if (/^\s*\(/.test(rest)) continue; // function or aggregation
    if (KEYWORDS.has(token.toLowerCase())) continue;
    const selector: Selector = { name: token, matchers: [] };
    const brace = /^\s*\{/.exec(rest);
    if (brace) {
      const open = match.index + token.length + brace[0].length - 1;
      const close = closingBrace(text, open);
      selector.matchers = parseMatchers(text.slice(open + 1, close));
      pattern.lastIndex = close + 1;
    }
    found.push(selector);
  }
  return found;
}

export function metricNames(expression: string): string[] {
  return [...new Set(selectors(expression).map((s) => s.name))];
}

function closingBrace(text: string, open: number): number {
  let inString: string | undefined;
  for (let i = open + 1; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === inString) inString = undefined;
    } else if (char === '"' || char === "'") inString = char;
    else if (char === '}') return i;
  }
  throw new Error(`unbalanced { in: ${text}`);
}

function parseMatchers(body: string): Selector['matchers'] {
  const matchers: Selector['matchers'] = [];
  const pattern = /([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;
  for (const match of body.matchAll(pattern)) {
    const [, label, op, value] = match;
    if (label === undefined || op === undefined || value === undefined) continue;
    matchers.push({
      label,
      op: op as Selector['matchers'][number]['op'],
      value: value.replace(/\\(.)/g, '$1'),
    });
  }
  return matchers;
}

/** Label names a query groups by: `by (…)`, `without (…)`, `on (…)`, `ignoring (…)`, `group_left (…)`. */
export function groupingLabels(expression: string): string[] {
  const labels = new Set<string>();
  for (const match of expression.matchAll(
    /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g,
  )) {
    for (const label of (match[1] ?? '').split(','))
      if (label.trim() !== '') labels.add(label.trim());
  }
  return [...labels];
}
