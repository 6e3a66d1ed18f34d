import winston from 'winston';
import { describe, expect, it } from 'vitest';
import { Capture } from '../test/helpers.js';
import { runWithContext } from './context.js';
import { createLogger } from './logger.js';
import { winstonTransport } from './winston-transport.js';

describe('winstonTransport', () => {
  it('routes existing winston calls through the logger: context, redaction, level mapping, flush', async () => {
    const out = new Capture();
    const logger = createLogger({ service: 'legacy', destination: out, level: 'debug' });
    const legacy = winston.createLogger({ level: 'silly', transports: [winstonTransport(logger)] });
    await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        runWithContext({ request_id: `w-${n}` }, async () => {
          await new Promise((resolve) => setTimeout(resolve, n % 7));
          legacy.info('handled', { n, password: 'hunter2' });
        }),
      ),
    );
    legacy.http('http line');
    legacy.silly('silly line');
    legacy.error('with error', { err: new Error('boom') });
    await logger.flush();
    const lines = out.lines();
    expect(lines).toHaveLength(53);
    for (const line of lines.slice(0, 50)) {
      expect(line).toMatchObject({
        service: 'legacy',
        level: 'info',
        message: 'handled',
        password: '[REDACTED]',
      });
      expect(line.request_id).toBe(`w-${String(line.n)}`);
    }
    expect(lines.slice(50).map((l) => l.level)).toEqual(['info', 'debug', 'error']);
    expect(lines[52]?.err).toMatchObject({ type: 'Error', message: 'boom' });
    expect(out.text).not.toContain('hunter2');
  });
});
