import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger, runWithContext, type Logger, type LogTransport } from '../src/index.js';
import { MAX_QUEUED_LINES, STALLED_AFTER_MS } from '../src/transport-sink.js';
import { Capture } from './helpers.js';
import { listen } from './server.js';

const dir = mkdtempSync(join(tmpdir(), 'shipshape-logger-transports-'));
const manager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(manager.enable());
});
afterAll(() => {
  context.disable();
  rmSync(dir, { recursive: true, force: true });
});

const spanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};

/** Lines with context, trace ids, a child's fields, a secret and an error: what every sink must see. */
function logMixed(logger: Logger, count: number): void {
  const db = logger.child({ module: 'db' });
  for (let i = 0; i < count; i++) {
    runWithContext({ request_id: `r-${i}` }, () => {
      context.with(trace.setSpanContext(context.active(), spanContext), () => {
        db.info('query', { i, password: 'hunter2', url: 'postgres://u:hunter2@db/x' });
        if (i % 10 === 0) logger.warn('slow', { i, err: new Error(`slow ${i}`) });
        logger.debug('detail', { i });
      });
    });
  }
}

const parse = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('winston transports as destinations', () => {
  it('File: every line, byte for byte the JSON destination line, on disk when flush() resolves', async () => {
    const out = new Capture();
    const filename = join(dir, 'file', 'app.log');
    const file = new winston.transports.File({ filename });
    const logger = createLogger({ service: 'api', destination: out, transports: [file] });
    logMixed(logger, 2000);
    await logger.flush();
    const written = readFileSync(filename, 'utf8');
    expect(written.split('\n').length - 1).toBe(2200);
    expect(written).toBe(out.text);
    expect(written).not.toContain('hunter2');
    expect(parse(written)[0]).toMatchObject({
      service: 'api',
      request_id: 'r-0',
      trace_id: spanContext.traceId,
      span_id: spanContext.spanId,
      module: 'db',
      password: '[REDACTED]',
    });
    await logger.close();
  });

  it("winston's level rules: a transport's own level filters further, the logger's level first", async () => {
    const warnings = new winston.transports.File({
      filename: join(dir, 'levels', 'warn.log'),
      level: 'warn',
    });
    const everything = new winston.transports.File({ filename: join(dir, 'levels', 'all.log') });
    const silent = new winston.transports.File({
      filename: join(dir, 'levels', 'silent.log'),
      silent: true,
    });
    const logger = createLogger({
      service: 'api',
      level: 'info',
      transports: [warnings, everything, silent],
    });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    await logger.close();
    const levels = (name: string): unknown[] =>
      parse(readFileSync(join(dir, 'levels', name), 'utf8')).map((line) => line.level);
    expect(levels('warn.log')).toEqual(['warn', 'error']);
    expect(levels('all.log')).toEqual(['info', 'warn', 'error']);
    expect(readFileSync(join(dir, 'levels', 'silent.log'), 'utf8')).toBe('');
  });

  it('Http: the collector has every line, with the JSON fields, when flush() resolves', async () => {
    const received: Record<string, unknown>[] = [];
    const server = await listen(
      createServer((req: IncomingMessage, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          // Answer late, so that only waiting for winston's 'logged' report can see the line land.
          setTimeout(() => {
            received.push(JSON.parse(body) as Record<string, unknown>);
            res.end('ok');
          }, 20);
        });
      }),
    );
    try {
      const out = new Capture();
      const http = new winston.transports.Http({
        port: Number(new URL(server.url).port),
        path: '/logs',
      });
      const logger = createLogger({ service: 'api', destination: out, transports: [http] });
      logMixed(logger, 50);
      await logger.flush();
      expect(received).toHaveLength(55);
      // winston's Http transport sends its info with sorted keys; compare the fields, not the text.
      const sorted = (lines: Record<string, unknown>[]) =>
        [...lines].sort((a, b) => order(a).localeCompare(order(b)));
      const order = (line: Record<string, unknown>) =>
        `${String(line.level)}:${String(line.i).padStart(3, '0')}`;
      expect(sorted(received)).toEqual(sorted(out.lines()));
      await logger.close();
    } finally {
      await server.close();
    }
  });

  it('winston-daily-rotate-file: rotation happens and every line reaches one of the files', async () => {
    const rotating = join(dir, 'rotating');
    const transport = new DailyRotateFile({
      dirname: rotating,
      filename: 'app-%DATE%.log',
      maxSize: '2k',
    });
    let rotations = 0;
    transport.on('rotate', () => rotations++);
    const logger = createLogger({ service: 'api', transports: [transport] });
    for (let i = 0; i < 300; i++) logger.info('line', { i, pad: 'x'.repeat(40) });
    await logger.flush();
    await logger.close();
    const files = readdirSync(rotating).filter(
      (name) => name.endsWith('.log') || /\.log\.\d+$/.test(name),
    );
    expect(rotations).toBeGreaterThan(0);
    expect(files.length).toBe(rotations + 1);
    // The rotator ends a file it rotated away from without waiting for its last writes (README).
    await vi.waitFor(
      () => {
        const seen = files
          .flatMap((name) => parse(readFileSync(join(rotating, name), 'utf8')))
          .map((line) => line.i);
        expect(seen.sort((a, b) => Number(a) - Number(b))).toEqual(
          Array.from({ length: 300 }, (_, i) => i),
        );
      },
      { timeout: 2_000, interval: 20 },
    );
  });

  it('a failing transport is reported once, loses only its own lines, and flush() says how many', async () => {
    const closed = await listen(createServer());
    const port = Number(new URL(closed.url).port);
    await closed.close();
    const out = new Capture();
    const http = new winston.transports.Http({ port });
    const logger = createLogger({ service: 'api', destination: out, transports: [http] });
    for (let i = 0; i < 20; i++) logger.info('to nowhere', { i });
    await expect(logger.flush()).rejects.toMatchObject({
      code: 'LOGGER_DESTINATION_FAILED',
      message: expect.stringMatching(/http#0 lost 20 line\(s\)/),
    });
    await logger.flush();
    const lines = out.lines();
    const reports = lines.filter((line) => String(line.message).startsWith('log transport'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      level: 'error',
      transport: 'http#0',
      err: { message: expect.stringContaining('ECONNREFUSED') },
    });
    expect(lines.filter((line) => line.message === 'to nowhere')).toHaveLength(20);
    await logger.close();
  });

  it('a burst far beyond the queue reaches a slow transport that keeps calling back: nothing is lost', async () => {
    // A hundred lines per turn of the event loop: the queue grows past its first limit.
    const seen: number[] = [];
    const slow = Object.assign(new EventEmitter(), {
      log(info: Record<PropertyKey, unknown>, next: () => void) {
        const done = () => {
          seen.push(info.i as number);
          next();
          slow.emit('logged', info);
        };
        if (seen.length % 100 === 99) setImmediate(done);
        else done();
      },
      end() {
        slow.emit('finish');
      },
    });
    const out = new Capture();
    const logger = createLogger({
      service: 'api',
      destination: out,
      transports: [slow as unknown as LogTransport],
      flushTimeoutMs: 30_000,
    });
    const lines = MAX_QUEUED_LINES + 30_000;
    let mostBehind = 0;
    for (let i = 0; i < lines; i++) {
      logger.info('burst', { i });
      if (i % 5_000 === 4_999) {
        mostBehind = Math.max(mostBehind, i + 1 - seen.length);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    expect(mostBehind).toBeGreaterThan(MAX_QUEUED_LINES);
    await logger.flush();
    expect(seen).toHaveLength(lines);
    expect(seen[lines - 1]).toBe(lines - 1);
    expect(out.lines().filter((line) => line.transport !== undefined)).toEqual([]);
    await logger.close();
  }, 60_000);

  it('flush() waits for a transport working through a backlog longer than flushTimeoutMs, as long as it calls back', async () => {
    const seen: number[] = [];
    const slow = Object.assign(new EventEmitter(), {
      log(info: Record<PropertyKey, unknown>, next: () => void) {
        setTimeout(() => {
          seen.push(info.i as number);
          next();
          slow.emit('logged', info);
        }, 25);
      },
    });
    const out = new Capture();
    const logger = createLogger({
      service: 'api',
      destination: out,
      transports: [slow as unknown as LogTransport],
      flushTimeoutMs: 500,
    });
    for (let i = 0; i < 40; i++) logger.info('backlog', { i }); // ≥ 1 s of work
    const started = performance.now();
    await logger.flush();
    expect(performance.now() - started).toBeGreaterThan(900);
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(out.lines().filter((line) => line.transport !== undefined)).toEqual([]);
  });

  it('a transport that stopped calling back is taken as stalled once its queue is full: later lines are dropped and reported once', async () => {
    const stuck = Object.assign(new EventEmitter(), { log() {} });
    const out = new Capture();
    const logger = createLogger({
      service: 'api',
      destination: out,
      transports: [stuck as unknown as LogTransport],
      flushTimeoutMs: 100,
    });
    // The stall clock is the sink's performance.now(): held still while the queue fills, however
    // long filling takes on a busy machine, then moved past the stall threshold.
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      logger.info('handed over, never called back');
      for (let i = 0; i < MAX_QUEUED_LINES + 10; i++) logger.info('waits', { i });
      // Full, but not yet stalled for long enough: nothing dropped, nothing reported.
      await new Promise((resolve) => setImmediate(resolve));
      expect(out.lines().filter((line) => line.transport !== undefined)).toEqual([]);
      vi.advanceTimersByTime(STALLED_AFTER_MS - 1);
      logger.info('still waits');
      await new Promise((resolve) => setImmediate(resolve));
      expect(out.lines().filter((line) => line.transport !== undefined)).toEqual([]);
      vi.advanceTimersByTime(1);
      for (let i = 0; i < 5; i++) logger.info('dropped', { i });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      vi.useRealTimers();
    }
    const reports = out.lines().filter((line) => line.transport !== undefined);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      level: 'error',
      message: expect.stringContaining(`has not called back for ${STALLED_AFTER_MS} ms`),
    });
    await expect(logger.flush()).rejects.toMatchObject({ code: 'LOGGER_DESTINATION_FAILED' });
    await logger.close().catch(() => undefined);
  }, 30_000);

  it('a transport whose format throws is reported once and never throws at the caller', async () => {
    const out = new Capture();
    const broken = new winston.transports.File({
      filename: join(dir, 'broken.log'),
      format: winston.format((info) => {
        if (info.i === 3) throw new Error('format bug');
        return info;
      })(),
    });
    const logger = createLogger({ service: 'api', destination: out, transports: [broken] });
    for (let i = 0; i < 6; i++) expect(() => logger.info('x', { i })).not.toThrow();
    await expect(logger.flush()).rejects.toThrow(/lost 1 line/);
    expect(out.lines().filter((line) => line.transport === 'file#0')).toHaveLength(1);
    expect(parse(readFileSync(join(dir, 'broken.log'), 'utf8')).map((line) => line.i)).toEqual([
      0, 1, 2, 4, 5,
    ]);
    await logger.close();
  });

  it('rejects what is not a winston transport with an actionable error', () => {
    const notTransports: unknown[] = [winston.transports.Console, { filename: 'x.log' }, null];
    for (const candidate of notTransports) {
      expect(() =>
        createLogger({ service: 'api', transports: [candidate as LogTransport] }),
      ).toThrow(
        expect.objectContaining({
          code: 'LOGGER_INVALID_OPTIONS',
          message: expect.stringMatching(/transports\[0\] is not a winston transport/),
        }),
      );
    }
  });
});
