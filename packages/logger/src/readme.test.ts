import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACCESS_LOG_DEFAULTS } from './access-log.js';
import { DEFAULTS } from './options.js';
import { DEFAULT_REDACT_KEYS } from './redact.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README agrees with the code', () => {
  it('documents every createLogger default exactly as DEFAULTS has it', () => {
    const rows = new Map<string, string>();
    for (const match of readme.matchAll(/^\| `(\w+)` *\| (.+?) *\|/gm))
      rows.set(match[1]!, match[2]!);
    const documented = Object.fromEntries(
      Object.keys(DEFAULTS).map((key) => [key, rows.get(key)?.replace(/^`|`$/g, '')]),
    );
    expect(documented).toEqual({
      version: `'${DEFAULTS.version}'`,
      level: `'${DEFAULTS.level}'`,
      format: `'${DEFAULTS.format}'`,
      destination: `'${DEFAULTS.destination}'`,
      redact: JSON.stringify(DEFAULTS.redact),
      fields: JSON.stringify(DEFAULTS.fields),
    });
    expect(rows.get('service')).toBe('(required)');
  });

  it('lists the default redaction keys and access-log exclusions', () => {
    expect(readme.replace(/\s+/g, ' ')).toContain(DEFAULT_REDACT_KEYS.join(', '));
    expect(readme).toContain(
      `\`exclude\` — default \`${JSON.stringify(ACCESS_LOG_DEFAULTS.exclude).replace(/"/g, "'").replace(/,/g, ', ')}\``,
    );
  });
});
