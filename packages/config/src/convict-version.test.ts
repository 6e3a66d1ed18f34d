import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

describe('convict dependency', () => {
  it('is 6.2.5 or newer (older releases allow prototype pollution)', () => {
    const require = createRequire(import.meta.url);
    const manifest = JSON.parse(readFileSync(require.resolve('convict/package.json'), 'utf8')) as {
      version: string;
    };
    const [major = 0, minor = 0, patch = 0] = manifest.version
      .split('.')
      .map((n) => Number.parseInt(n, 10));
    expect(major * 1_000_000 + minor * 1_000 + patch).toBeGreaterThanOrEqual(6_002_005);
    const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(own.dependencies['convict']).toMatch(/^\^6\.2\.(5|[6-9]|\d{2,})/);
  });
});
