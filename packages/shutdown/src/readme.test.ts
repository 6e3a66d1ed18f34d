import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, resolveShutdownOptions } from './options.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** `option → default cell` from the README's options table. */
function documentedDefaults(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const name = /^`(\w+)`$/.exec(cells[1] ?? '');
    if (line.startsWith('|') && name && cells[2] !== undefined) rows.set(name[1]!, cells[2]);
  }
  return rows;
}

describe('README options table', () => {
  it('documents every option the code accepts, with the defaults of DEFAULTS', () => {
    const rows = documentedDefaults();
    expect([...rows.keys()].sort()).toEqual(
      [
        'drainDelayMs',
        'env',
        'exit',
        'finalTimeoutMs',
        'handleUncaught',
        'hookTimeoutMs',
        'logger',
        'signals',
        'socketIdleMs',
        'timeoutMs',
      ].sort(),
    );
    expect(rows.get('timeoutMs')).toBe(`\`${DEFAULTS.timeoutMs}\``);
    expect(rows.get('finalTimeoutMs')).toBe(`\`${DEFAULTS.finalTimeoutMs}\``);
    expect(rows.get('socketIdleMs')).toBe(`\`${DEFAULTS.socketIdleMs}\``);
    expect(rows.get('signals')).toBe(`\`${JSON.stringify(DEFAULTS.signals)}\``);
    expect(rows.get('handleUncaught')).toBe(`\`${String(DEFAULTS.handleUncaught)}\``);
    expect(rows.get('drainDelayMs')).toBe(
      `\`${DEFAULTS.drainDelayMsInKubernetes}\` in Kubernetes (\`KUBERNETES_SERVICE_HOST\` set), else \`${DEFAULTS.drainDelayMs}\``,
    );
    // Every documented option is accepted (unknown ones are rejected).
    for (const option of rows.keys()) {
      expect(() => resolveShutdownOptions({ [option]: undefined, env: {} })).not.toThrow();
    }
  });

  it('states the defaults the Kubernetes rule depends on', () => {
    expect(readme).toContain(
      `(${DEFAULTS.timeoutMs / 1000} s + ${DEFAULTS.finalTimeoutMs / 1000} s)`,
    );
    expect(DEFAULTS.timeoutMs + DEFAULTS.finalTimeoutMs).toBeLessThan(30_000);
  });
});
