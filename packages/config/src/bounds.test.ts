import { describe, expect, it } from 'vitest';
import { TIMER_MAX_MS } from './bounds.js';
import { ConfigError } from './config-error.js';
import { describeSchema } from './describe-schema.js';
import { loadConfig } from './load-config.js';
import { ConfigSchemaError } from './schema-error.js';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.message);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const schema = {
  job: {
    timeout: { doc: 'Timeout.', format: 'duration', min: '1ms', default: '5s' },
    delay: { doc: 'Delay.', format: 'duration', default: '0s' },
    retention: { doc: 'Retention.', format: 'duration', max: '365d', default: '7d' },
    workers: { doc: 'Workers.', format: 'nat', min: 1, max: 64, default: 4 },
  },
} as const;

const load = (env: Record<string, string>) => loadConfig(schema, { env, argv: [] });

describe('min and max', () => {
  it('cap every duration at the longest Node.js timer unless the key sets a larger max', () => {
    expect(TIMER_MAX_MS).toBe(2 ** 31 - 1);
    expect(load({ JOB_DELAY: String(TIMER_MAX_MS) }).job.delay).toBe(TIMER_MAX_MS);
    expect(problems(() => load({ JOB_DELAY: '99999999999' }))).toEqual([
      'job.delay: expected a duration such as "500ms", "30s", "2m" or a number of milliseconds, ' +
        'at most 2147483647ms (the longest Node.js timer, about 24.8 days), received 99999999999 ' +
        'from env JOB_DELAY. Set JOB_DELAY (or --job.delay) to a valid value.',
    ]);
    expect(load({ JOB_RETENTION: '30d' }).job.retention).toBe(30 * 86_400_000);
    expect(problems(() => load({ JOB_RETENTION: '400d' }))[0]).toContain('at most 365d');
  });

  it('refuse values below min, naming the key, the bound and the source', () => {
    expect(problems(() => load({ JOB_TIMEOUT: '0' }))).toEqual([
      'job.timeout: expected a duration such as "500ms", "30s", "2m" or a number of milliseconds, ' +
        'from 1ms to 2147483647ms (the longest Node.js timer, about 24.8 days), received 0 from ' +
        'env JOB_TIMEOUT. Set JOB_TIMEOUT (or --job.timeout) to a valid value.',
    ]);
    expect(problems(() => load({ JOB_WORKERS: '0', JOB_TIMEOUT: '1ms' }))).toEqual([
      'job.workers: expected a non-negative integer, from 1 to 64, received 0 from env JOB_WORKERS. ' +
        'Set JOB_WORKERS (or --job.workers) to a valid value.',
    ]);
    expect(load({ JOB_WORKERS: '64', JOB_TIMEOUT: '1ms' }).job).toMatchObject({
      workers: 64,
      timeout: 1,
    });
    expect(problems(() => load({ JOB_WORKERS: '65' }))[0]).toContain('received 65');
  });

  it('check defaults too', () => {
    const bad = { a: { n: { format: 'nat', min: 2, default: 1 } } } as const;
    const caught = (() => {
      try {
        return loadConfig(bad, { env: {}, argv: [] });
      } catch (error) {
        return error;
      }
    })();
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems[0]?.source).toBe('default');
  });

  it('show in the documented format only where the key declares them', () => {
    expect(Object.fromEntries(describeSchema(schema).map((r) => [r.key, r.format]))).toEqual({
      'job.timeout': 'duration (≥ 1ms)',
      'job.delay': 'duration',
      'job.retention': 'duration (≤ 365d)',
      'job.workers': 'nat (1–64)',
    });
  });

  it('are schema errors on a non-number format, unreadable, or crossed', () => {
    const cases = [
      [{ s: { v: { format: 'string', min: 1, default: 'x' } } }, /number formats only/],
      [{ s: { v: { format: 'duration', min: 'soon', default: '1s' } } }, /min "soon" is not/],
      [{ s: { v: { format: 'nat', min: 5, max: 2, default: 3 } } }, /min 5 is larger than max 2/],
    ] as const;
    for (const [bad, message] of cases) {
      expect(() => describeSchema(bad)).toThrow(ConfigSchemaError);
      expect(() => describeSchema(bad)).toThrow(message);
    }
  });
});
