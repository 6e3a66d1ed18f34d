import { afterEach, describe, expect, it, vi } from 'vitest';
import { Capture } from '../test/helpers.js';
import { createLogger } from './logger.js';
import { useColor } from './terminal.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[\d+m/g;

afterEach(() => {
  vi.unstubAllEnvs();
});

function prettyLogger(): { out: Capture; logger: ReturnType<typeof createLogger> } {
  const out = new Capture();
  return { out, logger: createLogger({ service: 'api', destination: out, format: 'pretty' }) };
}

describe('pretty format', () => {
  it('prints time, level, [service], message and key=value fields, error stacks below', async () => {
    vi.stubEnv('NO_COLOR', '');
    vi.stubEnv('FORCE_COLOR', undefined);
    const { out, logger } = prettyLogger();
    logger
      .child({ module: 'db' })
      .warn('slow query', { ms: 812, sql: 'select 1', password: 'pw', err: new Error('timeout') });
    await logger.flush();
    expect(out.text).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} WARN {2}\[api\] slow query module=db ms=812 sql="select 1" password=\[REDACTED\] err="Error: timeout"\n {4}Error: timeout\n {8}at /,
    );
    expect(out.text).not.toMatch(ANSI);
    expect(out.text).not.toContain('version=');
    expect(out.text).not.toContain('pw"');
  });

  it('colours the level only where FORCE_COLOR (or a terminal) allows and NO_COLOR does not forbid', async () => {
    vi.stubEnv('NO_COLOR', undefined);
    vi.stubEnv('FORCE_COLOR', '1');
    const forced = prettyLogger();
    forced.logger.warn('coloured');
    await forced.logger.flush();
    expect(forced.out.text).toContain('\u001b[33mWARN \u001b[39m [api] coloured');

    vi.stubEnv('NO_COLOR', '1');
    const refused = prettyLogger();
    refused.logger.warn('plain', { n: 1 });
    await refused.logger.flush();
    expect(refused.out.text).not.toMatch(ANSI);
  });

  it('decides colour from NO_COLOR, FORCE_COLOR and whether the stream is a terminal', () => {
    const tty = { isTTY: true } as unknown as NodeJS.WritableStream;
    const pipe = {} as NodeJS.WritableStream;
    const cases: [Record<string, string>, NodeJS.WritableStream | undefined, boolean][] = [
      [{}, tty, true],
      [{}, pipe, false],
      [{}, undefined, false],
      [{ NO_COLOR: '1' }, tty, false],
      [{ NO_COLOR: 'anything' }, tty, false],
      [{ NO_COLOR: '' }, tty, true],
      [{ NO_COLOR: '1', FORCE_COLOR: '1' }, tty, false],
      [{ FORCE_COLOR: '1' }, pipe, true],
      [{ FORCE_COLOR: '' }, pipe, true],
      [{ FORCE_COLOR: '3' }, pipe, true],
      [{ FORCE_COLOR: '0' }, tty, false],
      [{ FORCE_COLOR: 'false' }, tty, false],
    ];
    for (const [env, stream, expected] of cases) {
      expect(useColor(stream, env), JSON.stringify(env)).toBe(expected);
    }
  });

  it('dumps large objects below the line, one member per line, redacted; small ones stay inline', async () => {
    vi.stubEnv('NO_COLOR', '1');
    const { out, logger } = prettyLogger();
    logger.info('configuration loaded', {
      small: { a: 1 },
      config: {
        server: { port: 3000, host: '127.0.0.1' },
        database: { url: 'postgres://app:hunter2@db/app', password: 'hunter2', poolMax: 10 },
        queue: { names: ['orders', 'emails'], empty: [], none: {} },
      },
    });
    await logger.flush();
    const [first, ...rest] = out.text.trimEnd().split('\n');
    expect(first).toMatch(/INFO {2}\[api\] configuration loaded small=\{"a":1\}$/);
    expect(rest).toEqual([
      '    config:',
      '      server:',
      '        port: 3000',
      '        host: 127.0.0.1',
      '      database:',
      '        url: postgres://app:[REDACTED]@db/app',
      '        password: [REDACTED]',
      '        poolMax: 10',
      '      queue:',
      '        names:',
      '          - orders',
      '          - emails',
      '        empty: []',
      '        none: {}',
    ]);
    expect(out.text).not.toContain('hunter2');
  });

  it('the same call in JSON stays one line', async () => {
    const out = new Capture();
    const logger = createLogger({ service: 'api', destination: out });
    logger.info('configuration loaded', { config: { server: { port: 3000 }, x: 'y'.repeat(80) } });
    await logger.flush();
    expect(out.text.split('\n')).toHaveLength(2);
  });
});
