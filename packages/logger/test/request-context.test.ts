import { createServer } from 'node:http';
import { PassThrough } from 'node:stream';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidRequestId } from '../src/defaults.js';
import { createLogger, getContext, requestContext } from '../src/index.js';
import { Capture } from './helpers.js';
import { listen } from './server.js';

const out = new Capture();
const logger = createLogger({ service: 'api', destination: out, level: 'debug' });
const db = logger.child({ module: 'db' });
let server: { url: string; close: () => Promise<void> };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  const app = express();
  app.use(requestContext());
  app.use(express.json());
  app.post('/work/:n', async (req, res) => {
    const n = Number(req.params.n);
    const body = req.body as { tag: string };
    logger.info('start', { n, tag: body.tag });
    await sleep((n * 7) % 13);
    db.debug('query', { n });
    await new Promise<void>((resolve) => {
      setTimeout(
        () => {
          logger.info('timer', { n });
          resolve();
        },
        (n * 3) % 5,
      );
    });
    const stream = new PassThrough();
    await new Promise<void>((resolve) => {
      stream.on('data', () => {
        logger.info('stream data', { n });
      });
      stream.on('end', resolve);
      setImmediate(() => {
        stream.end('chunk');
      });
    });
    res.json({ n, context: getContext() });
  });
  server = await listen(createServer(app));
});

afterAll(async () => {
  await server.close();
  await logger.close();
});

describe('requestContext', () => {
  it('200 concurrent requests with interleaved awaits, timers and streams: every line carries its own request_id', async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, async (_, n) => {
        const res = await fetch(`${server.url}/work/${n}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': `req-${n}` },
          body: JSON.stringify({ tag: `t${n}` }),
        });
        return {
          n,
          header: res.headers.get('x-request-id'),
          body: (await res.json()) as { context: { request_id: string } },
        };
      }),
    );
    await logger.flush();
    for (const { n, header, body } of responses) {
      expect(header).toBe(`req-${n}`);
      expect(body.context.request_id).toBe(`req-${n}`);
    }
    const lines = out.lines();
    expect(lines).toHaveLength(800);
    for (const line of lines) expect(line.request_id).toBe(`req-${String(line.n)}`);
  });

  it('keeps a valid incoming id, replaces an invalid or missing one with a fresh UUID', async () => {
    const tooLong = 'a'.repeat(129);
    const cases = [
      'ok.id_1-2',
      'a'.repeat(128),
      tooLong,
      'has space',
      'semi;colon',
      'ünicode',
      undefined,
    ];
    const seen: (string | null)[] = [];
    for (const id of cases) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (id !== undefined) headers['x-request-id'] = id;
      const res = await fetch(`${server.url}/work/1`, {
        method: 'POST',
        headers,
        body: '{"tag":"x"}',
      });
      await res.arrayBuffer();
      seen.push(res.headers.get('x-request-id'));
    }
    expect(seen.slice(0, 2)).toEqual(['ok.id_1-2', 'a'.repeat(128)]);
    for (const generated of seen.slice(2))
      expect(generated).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    expect(new Set(seen.slice(2)).size).toBe(5);
  });

  it('validates ids the same way when called directly', () => {
    expect(isValidRequestId('abc')).toBe(true);
    expect(isValidRequestId('')).toBe(false);
    expect(isValidRequestId(['abc'])).toBe(false);
    expect(isValidRequestId('x'.repeat(129))).toBe(false);
  });

  it('works with plain node:http and a custom header and generator', async () => {
    const middleware = requestContext({
      header: 'X-Correlation-Id',
      generateId: () => 'generated-1',
    });
    const plain = await listen(
      createServer((req, res) => {
        middleware(req, res, () => {
          setTimeout(() => res.end(JSON.stringify(getContext())), 1);
        });
      }),
    );
    try {
      const res = await fetch(plain.url);
      expect(res.headers.get('x-correlation-id')).toBe('generated-1');
      expect(await res.json()).toEqual({ request_id: 'generated-1' });
    } finally {
      await plain.close();
    }
  });
});
