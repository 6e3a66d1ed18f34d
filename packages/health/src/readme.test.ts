import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_LOOP_DEFAULTS } from './checks/event-loop.js';
import { HEAP_DEFAULTS } from './checks/heap.js';
import { DEFAULTS } from './options.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The `| \`option\` | \`default\` | … |` rows of the table that follows `### <heading>`. */
function documentedDefaults(heading: string): Record<string, unknown> {
  const start = readme.indexOf(`### ${heading}`);
  expect(start, `README section ${heading}`).toBeGreaterThanOrEqual(0);
  const next = readme.indexOf('\n### ', start + 1);
  const section = readme.slice(start, next === -1 ? undefined : next);
  const rows: Record<string, unknown> = {};
  for (const match of section.matchAll(/^\|\s*`(\w+)`\s*\|\s*`([^`]+)`\s*\|/gm)) {
    const [, key, raw] = match;
    if (key === undefined || raw === undefined) continue;
    rows[key] = raw.startsWith("'") ? raw.slice(1, -1) : Number(raw);
  }
  return rows;
}

describe('README documents the defaults the code has', () => {
  it('createHealth', () => {
    expect(documentedDefaults('createHealth(options?)')).toEqual(DEFAULTS);
  });
  it('eventLoopDelayCheck', () => {
    expect(documentedDefaults('eventLoopDelayCheck(options?)')).toEqual(EVENT_LOOP_DEFAULTS);
  });
  it('heapCheck', () => {
    expect(documentedDefaults('heapCheck(options?)')).toEqual(HEAP_DEFAULTS);
  });
});
