// Any logger: health, metrics, shutdown and the access log take winston's, pino's and bunyan's
// loggers and node's console as they are, and every field they log arrives.
import { Console } from 'node:console';
import { createServer } from 'node:http';
import { createHealth } from '@shipshape/health';
import { accessLog, requestContext } from '@shipshape/logger';
import { createMetrics } from '@shipshape/metrics';
import { createShutdown } from '@shipshape/shutdown';
import bunyan from 'bunyan';
import express from 'express';
import { pino } from 'pino';
import winston from 'winston';
import { describe, expect, it, vi } from 'vitest';
import { Capture, listen } from './helpers.js';

interface Subject {
  readonly name: string;
  /** A logger writing to `out`, as its library makes it. */
  make(out: Capture): {
    error(...args: never[]): unknown;
    warn(...args: never[]): unknown;
    info(...args: never[]): unknown;
    debug(...args: never[]): unknown;
  };
  /** The entry whose message is `message`: its fields, or the text console printed after it. */
  find(out: Capture, message: string | RegExp): Record<string, unknown> | string | undefined;
}

const matches = (text: unknown, message: string | RegExp): boolean =>
  typeof text === 'string' && (typeof message === 'string' ? text === message : message.test(text));

const jsonFind =
  (messageKey: string) =>
  (out: Capture, message: string | RegExp): Record<string, unknown> | undefined =>
    out.json().find((line) => matches(line[messageKey], message));

const SUBJECTS: readonly Subject[] = [
  {
    name: 'pino',
    make: (out) => pino({ level: 'debug' }, out),
    find: jsonFind('msg'),
  },
  {
    name: 'winston',
    make: (out) =>
      winston.createLogger({
        level: 'debug',
        format: winston.format.json(),
        // winston's typings declare its transports in a way this rule cannot follow.
        // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
        transports: [new winston.transports.Stream({ stream: out })],
      }),
    find: jsonFind('message'),
  },
  {
    name: 'bunyan',
    make: (out) => bunyan.createLogger({ name: 'app', level: 'debug', stream: out }),
    find: jsonFind('msg'),
  },
  {
    name: 'console',
    make: (out) => new Console({ stdout: out, stderr: out, colorMode: false }),
    find: (out, message) => {
      // console prints `message { …fields }`, the object over several lines when it is long.
      const entries = out.text.split(/\n(?=\S)/);
      return entries.find((entry) => matches(entry.slice(0, entry.indexOf(' {')), message));
    },
  },
];

/** Asserts that `entry` carries each field with its value (JSON) or prints it (console). */
function expectFields(
  entry: Record<string, unknown> | string | undefined,
  fields: Record<string, unknown>,
): void {
  expect(entry).toBeDefined();
  if (typeof entry === 'string') {
    for (const [key, value] of Object.entries(fields)) {
      const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`;
      expect(entry).toContain(typeof value === 'string' ? `${name}: '${value}'` : `${name}: `);
    }
    return;
  }
  expect(entry).toMatchObject(fields);
}

/** The message of an error field, whichever shape the logger gave it. */
function errorMessage(entry: Record<string, unknown> | string | undefined, key: string): string {
  if (typeof entry === 'string') return /message: '([^']*)'/.exec(entry)?.[1] ?? '';
  const value = entry?.[key] as { message?: unknown } | undefined;
  return typeof value?.message === 'string' ? value.message : '';
}

describe.each(SUBJECTS)('$name', (subject) => {
  it('health: a failing check’s line carries probe, check, status, previous status, duration, output', async () => {
    const out = new Capture();
    const health = createHealth({ logger: subject.make(out) });
    health.markStarted();
    health.readiness.add('db', async () => {
      await Promise.resolve();
      throw new Error('connection refused');
    });
    await health.run('readiness');
    const entry = subject.find(out, 'health: readiness check "db" failed');
    expectFields(entry, { probe: 'readiness', check: 'db', status: 'fail', previous_status: null });
    if (typeof entry === 'string') {
      expect(entry).toContain('duration_ms: ');
      expect(entry).toContain('connection refused');
    } else {
      expect(typeof entry?.duration_ms).toBe('number');
      expect(JSON.stringify(entry?.output)).toContain('connection refused');
    }
  });

  it('metrics: a failing collector’s warning carries the metric and the error', async () => {
    const out = new Capture();
    const metrics = createMetrics({
      service: 'api',
      defaultMetrics: false,
      logger: subject.make(out),
    });
    metrics.gauge({
      name: 'broken_things',
      help: 'A gauge whose collector fails.',
      collect: () => {
        throw new Error('collector exploded');
      },
    });
    await metrics.scrape();
    metrics.stop();
    const entry = subject.find(
      out,
      'metrics: collector for broken_things failed; the family is left out of this scrape',
    );
    expectFields(entry, { metric: 'broken_things' });
    expect(errorMessage(entry, 'err')).toBe('collector exploded');
  });

  it('shutdown: the start line and a failing hook’s line carry every field, the error included', async () => {
    const out = new Capture();
    const codes: number[] = [];
    const shutdown = createShutdown({
      logger: subject.make(out),
      signals: [],
      handleUncaught: false,
      env: {},
      timeoutMs: 2000,
      exit: (code) => codes.push(code),
    });
    shutdown.add('db', () => {
      throw new Error('close failed');
    });
    await shutdown.shutdown('test');
    shutdown.dispose();
    expect(codes).toEqual([1]);
    expectFields(subject.find(out, 'shutdown started (test); drain delay 0 ms, deadline 2000 ms'), {
      reason: 'test',
      drainDelayMs: 0,
      timeoutMs: 2000,
    });
    const failed = subject.find(
      out,
      /^shutdown hook "db" failed after \d+ ms; continuing with the next one$/,
    );
    expectFields(failed, { hook: 'db', final: false });
    expect(errorMessage(failed, 'err')).toBe('close failed');
  });

  it('access log: the line carries the HTTP fields and the request id', async () => {
    const out = new Capture();
    const app = express();
    app.use(requestContext({ observers: [accessLog(subject.make(out))] }));
    app.get('/orders/:id', (_req, res) => res.json({ ok: true }));
    const server = await listen(createServer(app));
    try {
      await fetch(`${server.url}/orders/42?token=abc`, { headers: { 'x-request-id': 'r-1' } }).then(
        (r) => r.arrayBuffer(),
      );
      await vi.waitFor(() => expect(subject.find(out, 'GET /orders/:id 200')).toBeDefined());
    } finally {
      await server.close();
    }
    const entry = subject.find(out, 'GET /orders/:id 200');
    expectFields(entry, {
      request_id: 'r-1',
      'http.request.method': 'GET',
      'http.route': '/orders/:id',
      'http.response.status_code': 200,
      'url.path': '/orders/42',
      'url.query': 'token=[REDACTED]',
      'client.address': '127.0.0.1',
    });
    expect(JSON.stringify(entry)).not.toContain('abc');
  });
});
