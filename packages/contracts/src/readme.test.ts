import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REDACTED, SECRET_KEYS } from './redact.js';
import { UNMATCHED_ROUTE } from './route.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');

describe('README agrees with the code', () => {
  it('lists every secret key, in order, and the marker', () => {
    expect(readme).toContain(SECRET_KEYS.join(', '));
    expect(readme).toContain(`\`'${REDACTED}'\``);
  });

  it('documents the lifecycle defaults', () => {
    expect(readme).toContain(`\`unmatchedRoute\` — default \`'${UNMATCHED_ROUTE}'\``);
    expect(readme).toContain('`getRoute` — default `expressRouteTemplate`');
    expect(readme).toContain('`activeSpan` — default none');
  });
});
