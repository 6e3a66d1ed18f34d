import { describe, expect, it, vi } from 'vitest';
import { Capture } from '../test/helpers.js';
import { runInJobContext, runWithContext } from './context.js';
import { resolveOptions } from './options.js';
import type { LineFormatter } from './format.js';
import { createLogger, createLoggerWith } from './logger.js';

describe('createLogger (JSON)', () => {
  it('writes timestamp, level, message, service, version, then fields, one object per line', async () => {
    const out = new Capture();
    const logger = createLogger({
      service: 'api',
      version: '1.2.3',
      commit: '4f2c1e9',
      destination: out,
      fields: { region: 'eu' },
    });
    logger.info('order created', { order_id: 'o1', total_cents: 1200 });
    await logger.flush();
    const line = out.text;
    expect(line.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      'timestamp',
      'level',
      'message',
      'service',
      'version',
      'commit',
      'region',
      'order_id',
      'total_cents',
    ]);
    expect(parsed).toMatchObject({
      level: 'info',
      message: 'order created',
      service: 'api',
      version: '1.2.3',
      commit: '4f2c1e9',
      order_id: 'o1',
    });
    expect(parsed.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('child fields override parent fields, call fields override both, no key repeats', async () => {
    const out = new Capture();
    const root = createLogger({
      service: 'api',
      destination: out,
      fields: { component: 'root', keep: 1 },
    });
    const child = root.child({ component: 'child', module: 'db' });
    child.info('a');
    child.child({ component: 'grandchild' }).info('b', { keep: 2 });
    child.info('c', { level: 'shadow', service: 'other' });
    await root.flush();
    const text = out.text.split('\n').filter(Boolean);
    for (const line of text) expect((line.match(/"component"/g) ?? []).length).toBe(1);
    const [a, b, c] = out.lines();
    expect(a).toMatchObject({ component: 'child', module: 'db', keep: 1 });
    expect(b).toMatchObject({ component: 'grandchild', keep: 2 });
    expect(c).toMatchObject({ level: 'info', 'fields.level': 'shadow', service: 'other' });
  });

  it('serialises an err field with type, message, stack and cause', async () => {
    const out = new Capture();
    const logger = createLogger({ service: 'api', destination: out });
    logger.error('payment failed', {
      err: new Error('declined', { cause: new Error('card expired') }),
    });
    await logger.flush();
    expect(out.lines()[0]?.err).toMatchObject({
      type: 'Error',
      message: 'declined',
      cause: { message: 'card expired' },
    });
  });

  it('writes only levels at or above the configured one and reports them with isLevelEnabled', async () => {
    const out = new Capture();
    const logger = createLogger({ service: 'api', level: 'warn', destination: out });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    await logger.flush();
    expect(out.lines().map((l) => l.level)).toEqual(['warn', 'error']);
    expect([logger.isLevelEnabled('info'), logger.isLevelEnabled('warn')]).toEqual([false, true]);
  });

  it('a debug call at info runs no format and reads no field', async () => {
    const out = new Capture();
    const format = vi.fn<LineFormatter['format']>(() => 'x\n');
    const logger = createLoggerWith(
      resolveOptions({ service: 'api', version: '1', destination: out }),
      () => ({ format }),
    );
    const touched = vi.fn();
    const fields = {
      get payload(): string {
        touched();
        return 'p';
      },
      toJSON(): unknown {
        touched();
        return {};
      },
    };
    logger.debug('not written', fields);
    logger.child({ module: 'db' }).debug('not written either', fields);
    await logger.flush();
    expect(format).not.toHaveBeenCalled();
    expect(touched).not.toHaveBeenCalled();
    expect(out.text).toBe('');
    logger.info('written', fields);
    expect(format).toHaveBeenCalledTimes(1);
  });

  it('changes the global level and one module level at run time', async () => {
    const out = new Capture();
    const root = createLogger({ service: 'api', destination: out });
    const db = root.child({ module: 'db' });
    const http = root.child({ module: 'http' });
    db.setLevel('debug');
    db.debug('db debug');
    http.debug('http debug');
    root.setLevel('error');
    http.info('http info');
    db.debug('db still debug');
    root.setLevel('info', { module: 'db' });
    db.debug('db debug off');
    await root.flush();
    expect(out.lines().map((l) => l.message)).toEqual(['db debug', 'db still debug']);
    expect(root.getLevels()).toEqual({
      level: 'error',
      expiresAt: null,
      modules: { db: { level: 'info', expiresAt: null } },
    });
  });

  it('a level change with expiry reverts on time (real timers)', async () => {
    const out = new Capture();
    const logger = createLogger({ service: 'api', destination: out });
    logger.setLevel('debug', { expiresInMs: 150 });
    expect(logger.isLevelEnabled('debug')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(logger.isLevelEnabled('debug')).toBe(false);
    expect(logger.getLevels().level).toBe('info');
  });

  it('carries context fields and lets nested contexts and jobs add to them', async () => {
    const out = new Capture();
    const logger = createLogger({ service: 'worker', destination: out });
    await runWithContext({ request_id: 'r-1' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.info('in request');
      await runInJobContext({ job_id: 'j-9', queue: 'orders', request_id: 'r-0' }, async () => {
        await Promise.resolve();
        logger.info('in job');
      });
      runInJobContext({ job_id: 'j-10', queue: 'orders', system: 'bullmq' }, () => {
        logger.info('in job with system');
      });
    });
    logger.info('outside');
    await logger.flush();
    const [req, job, jobWithSystem, outside] = out.lines();
    expect(req).toMatchObject({ request_id: 'r-1' });
    // Job lines carry OpenTelemetry's messaging names, as the worker's spans do.
    expect(job).toMatchObject({
      request_id: 'r-0',
      'messaging.message.id': 'j-9',
      'messaging.destination.name': 'orders',
    });
    expect(Object.keys(job ?? {})).not.toContain('messaging.system');
    expect(jobWithSystem).toMatchObject({
      request_id: 'r-1',
      'messaging.message.id': 'j-10',
      'messaging.destination.name': 'orders',
      'messaging.system': 'bullmq',
    });
    expect(outside).not.toHaveProperty('request_id');
  });

  it('rejects invalid options with a coded, actionable error', () => {
    expect(() => createLogger({ service: '' })).toThrow(
      expect.objectContaining({ code: 'LOGGER_INVALID_OPTIONS' }),
    );
    expect(() => createLogger({ service: 'a', level: 'trace' as 'info' })).toThrow(
      /not one of error, warn, info, debug/,
    );
    expect(() => createLogger({ service: 'a', format: 'xml' as 'json' })).toThrow(
      /"json" or "pretty"/,
    );
    expect(() => createLogger({ service: 'a', destination: {} as { path: string } })).toThrow(
      /writable stream/,
    );
  });

  it('never throws at the caller, even when formatting fails', async () => {
    const out = new Capture();
    const logger = createLoggerWith(
      resolveOptions({ service: 'api', version: '1', destination: out }),
      () => ({
        format: () => {
          throw new Error('formatter bug');
        },
      }),
    );
    expect(() => logger.info('still here')).not.toThrow();
    await logger.flush();
    expect(out.lines()[0]).toMatchObject({
      message: 'still here',
      log_error: expect.stringContaining('formatter bug'),
    });
  });

  it('masks secrets in the message itself', async () => {
    const out = new Capture();
    const logger = createLogger({ service: 'api', destination: out });
    logger.info('connecting to redis://default:hunter2@cache:6379');
    await logger.flush();
    expect(out.text).not.toContain('hunter2');
  });
});
