// One redaction policy: config dumps and log lines pass the same conformance table of secret
// shapes, with the same key list, the same masking inside strings and the same marker.
import { createServer } from 'node:http';
import { loadConfig, maskUrlCredentials, redactConfig } from '@shipshape/config';
import { REDACTED } from '@shipshape/contracts';
import { accessLog, createLogger, requestContext } from '@shipshape/logger';
import express from 'express';
import { describe, expect, it, vi } from 'vitest';
import { Capture, listen } from './helpers.js';
import { SECRET_SHAPES } from './secret-shapes.js';

/** What a log line shows of `value`, logged as a field. */
async function logged(value: unknown): Promise<unknown> {
  const out = new Capture();
  const logger = createLogger({ service: 'conformance', destination: out });
  logger.info('dump', { value });
  await logger.close();
  const [line] = out.json();
  return line?.value;
}

describe('one redaction policy for config dumps and logs', () => {
  it('uses one marker, the shared one (@shipshape/contracts)', async () => {
    expect(REDACTED).toBe('[REDACTED]');
    expect(redactConfig({ db: { password: 'p' } })).toEqual({ db: { password: REDACTED } });
    expect(await logged({ password: 'p' })).toEqual({ password: REDACTED });
  });

  describe.each(SECRET_SHAPES)('$shape', ({ input, redacted }) => {
    it('config dump (redactConfig) shows the table’s output', () => {
      const dump = redactConfig(input);
      expect(dump).toEqual(redacted);
      expect(JSON.stringify(dump)).not.toContain('SECRET');
    });

    it('log line (createLogger) shows the same', async () => {
      const line = await logged(input);
      expect(line).toEqual(redacted);
      expect(JSON.stringify(line)).not.toContain('SECRET');
    });
  });

  it('strings: config messages, log messages and access-log queries mask alike', async () => {
    const strings = SECRET_SHAPES.flatMap(({ input, redacted }) =>
      Object.entries(input)
        .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
        .map(([key, value]) => ({ value, masked: redacted[key] as string })),
    ).filter(({ value }) => value.includes('://') || value.includes('?'));
    expect(strings.length).toBeGreaterThanOrEqual(6);
    const out = new Capture();
    const logger = createLogger({ service: 'conformance', destination: out });
    for (const { value, masked } of strings) {
      expect(maskUrlCredentials(value)).toBe(masked);
      logger.info(value);
    }
    await logger.close();
    expect(out.json().map((line) => line.message)).toEqual(strings.map(({ masked }) => masked));

    // The access log's url.query, for every table string that is a request target.
    const lines = new Capture();
    const access = createLogger({ service: 'conformance', destination: lines });
    const app = express();
    app.use(requestContext({ observers: [accessLog(access)] }));
    app.use((_req, res) => res.end());
    const server = await listen(createServer(app));
    const targets = strings.filter(({ value }) => value.startsWith('/'));
    try {
      for (const { value } of targets) await fetch(server.url + value).then((r) => r.arrayBuffer());
      await vi.waitFor(async () => {
        await access.flush();
        expect(lines.json()).toHaveLength(targets.length);
      });
    } finally {
      await server.close();
    }
    expect(
      lines.json().map((line) => `${String(line['url.path'])}?${String(line['url.query'])}`),
    ).toEqual(targets.map(({ masked }) => masked));
  });

  it('a loaded config redacts secret-named keys its schema did not mark sensitive, as logs do', async () => {
    const config = loadConfig(
      {
        db: {
          url: { doc: 'Database URL.', format: String, default: '' },
          password: { doc: 'Not marked sensitive.', format: String, default: '' },
          host: { doc: 'Host.', format: String, default: 'db' },
        },
      },
      {
        env: {
          DB_URL: 'postgres://app:a-SECRET@db/orders?sslpassword=b-SECRET',
          DB_PASSWORD: 'c-SECRET',
        },
        argv: [],
      },
    );
    const expected = {
      db: {
        url: `postgres://app:[REDACTED]@db/orders?sslpassword=[REDACTED]`,
        password: '[REDACTED]',
        host: 'db',
      },
    };
    expect(redactConfig(config)).toEqual(expected);
    expect(JSON.parse(JSON.stringify(config))).toEqual(expected);
    expect(await logged(config)).toEqual(expected);
  });
});
