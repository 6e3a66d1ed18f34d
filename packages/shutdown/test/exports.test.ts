import { describe, expect, it } from 'vitest';

// The built package is what apps import; the test task builds first.
// Computed specifiers, so typecheck does not need dist/ to exist yet.
async function load(entry: string): Promise<Record<string, unknown>> {
  return (await import(new URL(`../dist/${entry}`, import.meta.url).href)) as Record<
    string,
    unknown
  >;
}

describe('the built package', () => {
  it('exports the factory, its error class and guard from the root, and nothing else at run time', async () => {
    const root = await load('index.js');
    expect(Object.keys(root).sort()).toEqual([
      'ShutdownConfigError',
      'createShutdown',
      'isShutdownConfigError',
    ]);
    const createShutdown = root.createShutdown as (options: object) => unknown;
    const isShutdownConfigError = root.isShutdownConfigError as (error: unknown) => boolean;
    let thrown: unknown;
    try {
      createShutdown({ timeoutMs: 1000, drainDelayMs: 1000, env: {} });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(root.ShutdownConfigError as new () => Error);
    expect(isShutdownConfigError(thrown)).toBe(true);
    expect(isShutdownConfigError(new Error('other'))).toBe(false);
  });

  it('exports the HTTP drain alone from @shipshape/shutdown/http', async () => {
    expect(Object.keys(await load('http.js'))).toEqual(['closeHttpServer']);
  });
});
