import { describe, expect, it } from 'vitest';

// The built package is what apps import; the test task builds first.
describe('the built package', () => {
  it('exports the factory, its error class and guard, and nothing else at run time', async () => {
    // A computed specifier, so typecheck does not need dist/ to exist yet.
    const built = new URL('../dist/index.js', import.meta.url).href;
    const root = (await import(built)) as Record<string, unknown>;
    expect(Object.keys(root).sort()).toEqual(['MetricsError', 'createMetrics', 'isMetricsError']);
    const createMetrics = root.createMetrics as (options: object) => unknown;
    const isMetricsError = root.isMetricsError as (error: unknown) => boolean;
    let thrown: unknown;
    try {
      createMetrics({});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(root.MetricsError as new () => Error);
    expect(isMetricsError(thrown)).toBe(true);
    expect(isMetricsError(new Error('other'))).toBe(false);
  });
});
