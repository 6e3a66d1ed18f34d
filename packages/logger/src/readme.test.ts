import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACCESS_LOG_DEFAULTS } from './access-log.js';
import { LOG_LEVEL_HANDLER_DEFAULTS } from './log-level-handler.js';
import { DEFAULTS } from './options.js';
import { INLINE_OBJECT_CHARS } from './pretty-format.js';
import { MAX_QUEUED_LINES, MAX_QUEUED_LINES_HARD, STALLED_AFTER_MS } from './transport-sink.js';
import { DEFAULT_REDACT_KEYS } from './redact.js';
import { REQUEST_CONTEXT_DEFAULTS } from './request-context.js';

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
      commit: `'${DEFAULTS.commit}'`,
      level: `'${DEFAULTS.level}'`,
      format: `'${DEFAULTS.format}'`,
      destination: `'${DEFAULTS.destination}'`,
      transports: JSON.stringify(DEFAULTS.transports),
      flushTimeoutMs: String(DEFAULTS.flushTimeoutMs),
      redact: JSON.stringify(DEFAULTS.redact),
      fields: JSON.stringify(DEFAULTS.fields),
      maxModuleLevels: String(DEFAULTS.maxModuleLevels),
    });
    expect(rows.get('service')).toBe('(required)');
  });

  it('documents the log-level handler defaults and the transport and pretty limits', () => {
    for (const [name, value] of Object.entries(LOG_LEVEL_HANDLER_DEFAULTS)) {
      expect(readme).toContain(`\`${name}\` — default \`${value}\``);
    }
    expect(readme.replace(/\s+/g, ' ')).toContain(
      `beyond ${MAX_QUEUED_LINES.toLocaleString('en')} waiting lines, lines for that transport are ` +
        `dropped (and counted) while it has not called back for ${STALLED_AFTER_MS.toLocaleString('en')} ms, ` +
        `and beyond ${MAX_QUEUED_LINES_HARD.toLocaleString('en')} waiting lines in any case`,
    );
    expect(readme.replace(/\s+/g, ' ')).toContain(
      `objects whose JSON is over ${INLINE_OBJECT_CHARS} characters`,
    );
    expect(readme).toContain(
      `\`maxModuleLevels\` (createLogger option, default ${DEFAULTS.maxModuleLevels})`,
    );
  });

  it('documents the requestContext defaults', () => {
    expect(readme).toContain(`\`header\` — default \`'${REQUEST_CONTEXT_DEFAULTS.header}'\``);
    expect(readme).toContain('`generateId` — default `crypto.randomUUID`');
    expect(REQUEST_CONTEXT_DEFAULTS.generateId).toBe(randomUUID);
    expect(readme).toContain(
      `\`observers\` — default \`${JSON.stringify(REQUEST_CONTEXT_DEFAULTS.observers)}\``,
    );
    expect(readme).toContain(
      `\`unmatchedRoute\` — default \`'${REQUEST_CONTEXT_DEFAULTS.unmatchedRoute}'\``,
    );
  });

  it('lists the default redaction keys and access-log exclusions', () => {
    expect(readme.replace(/\s+/g, ' ')).toContain(DEFAULT_REDACT_KEYS.join(', '));
    expect(readme).toContain(
      `\`exclude\` — default \`${JSON.stringify(ACCESS_LOG_DEFAULTS.exclude).replace(/"/g, "'").replace(/,/g, ', ')}\``,
    );
  });
});
