import { describe, expect, it } from 'vitest';
import { Capture } from '../test/helpers.js';
import { createLogger } from './logger.js';

// eslint-disable-next-line no-control-regex
const strip = (text: string): string => text.replace(/\u001b\[\d+m/g, '');

describe('pretty format', () => {
  it('prints time, coloured level, message and key=value fields, error stacks below', async () => {
    const out = new Capture();
    const logger = createLogger({
      service: 'api',
      version: '9',
      destination: out,
      format: 'pretty',
    });
    logger
      .child({ module: 'db' })
      .warn('slow query', { ms: 812, sql: 'select 1', password: 'pw', err: new Error('timeout') });
    await logger.flush();
    expect(out.text).toContain('\u001b[33mWARN \u001b[39m');
    const plain = strip(out.text);
    expect(plain).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} WARN {2}slow query module=db ms=812 sql="select 1" password=\[REDACTED\] err="Error: timeout"\n {4}Error: timeout\n/,
    );
    expect(plain).not.toContain('service=');
    expect(plain).not.toContain('pw"');
  });
});
