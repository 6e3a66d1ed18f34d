import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HTTP_DEFAULTS } from './http-middleware.js';
import { DEFAULTS } from './options.js';
import { DROPPED_DEFAULT_METRICS } from './default-metrics.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Rows `| \`name\` | \`default\` | … |` whose default is a literal in backticks. */
function documentedDefaults(): Map<string, unknown> {
  const rows = new Map<string, unknown>();
  for (const match of readme.matchAll(/^\| `(\w+)`\s*\| `([^`]+)`\s*\|/gm)) {
    rows.set(match[1]!, JSON.parse(match[2]!));
  }
  return rows;
}

describe('README', () => {
  it('documents the createMetrics defaults the code uses', () => {
    const documented = documentedDefaults();
    for (const [key, value] of Object.entries(DEFAULTS))
      expect(documented.get(key), key).toEqual(value);
  });

  it('documents the httpMiddleware defaults the code uses', () => {
    const documented = documentedDefaults();
    for (const [key, value] of Object.entries(HTTP_DEFAULTS))
      expect(documented.get(key), key).toEqual(value);
  });

  it('lists every dropped default metric', () => {
    for (const name of DROPPED_DEFAULT_METRICS) expect(readme).toContain(`\`${name}\``);
  });
});
