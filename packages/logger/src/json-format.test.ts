import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Capture } from '../test/helpers.js';
import { runWithContext } from './context.js';
import { createLogger } from './logger.js';

const manager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(manager.enable());
});
afterAll(() => {
  context.disable();
});

const spanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};
const inSpan = <T>(fn: () => T): T =>
  context.with(trace.setSpanContext(context.active(), spanContext), fn);

async function lines(write: (logger: ReturnType<typeof createLogger>) => void): Promise<string[]> {
  const out = new Capture();
  const logger = createLogger({ service: 'api', version: '1', commit: 'c0ffee', destination: out });
  write(logger);
  await logger.flush();
  return out.text.split('\n').filter(Boolean);
}

/** Every key once, in the order written. */
function keysOf(line: string): string[] {
  return [...line.matchAll(/[{,]"([^"]+)":/g)].map((match) => match[1]!);
}

describe('JSON lines for every call shape', () => {
  it('ids passed as call fields are written as given, once, after the head', async () => {
    const [line] = await lines((logger) => {
      logger.info('request finished', {
        request_id: 'r-1',
        trace_id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        span_id: 'bbbbbbbbbbbbbbbb',
        status: 200,
      });
    });
    expect(keysOf(line!)).toEqual([
      'timestamp',
      'level',
      'message',
      'service',
      'version',
      'commit',
      'request_id',
      'trace_id',
      'span_id',
      'status',
    ]);
  });

  it('call fields win over an active span, the context and the bindings; no key repeats', async () => {
    const written = await lines((logger) => {
      const child = logger.child({ module: 'db', request_id: 'from-child' });
      runWithContext({ request_id: 'from-context', tenant: 't1' }, () => {
        inSpan(() => {
          child.info('a', { trace_id: 'from-call' });
          child.info('b', { module: 'http', level: 'shadow', service: 'other' });
          logger.info('c', { request_id: 'from-call', span_id: 'from-call' });
        });
      });
    });
    for (const line of written) {
      const keys = keysOf(line);
      expect(new Set(keys).size, line).toBe(keys.length);
    }
    const [a, b, c] = written.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(a).toMatchObject({
      request_id: 'from-child',
      tenant: 't1',
      trace_id: 'from-call',
      span_id: spanContext.spanId,
      module: 'db',
    });
    expect(b).toMatchObject({
      level: 'info',
      'fields.level': 'shadow',
      service: 'other',
      module: 'http',
      trace_id: spanContext.traceId,
    });
    expect(c).toMatchObject({
      request_id: 'from-call',
      tenant: 't1',
      trace_id: spanContext.traceId,
      span_id: 'from-call',
    });
  });

  it('a context that repeats a bound or core key is written once, later sources winning', async () => {
    const [line] = await lines((logger) => {
      runWithContext({ service: 'ctx', message: 'ctx message', trace_id: 'ctx' }, () => {
        inSpan(() => logger.child({ region: 'eu' }).info('real message'));
      });
    });
    expect(JSON.parse(line!)).toMatchObject({
      message: 'real message',
      service: 'ctx',
      'fields.message': 'ctx message',
      trace_id: spanContext.traceId,
      region: 'eu',
    });
    expect(new Set(keysOf(line!)).size).toBe(keysOf(line!).length);
  });

  it('child loggers and a new context per request write the same line as one logger with fields', async () => {
    const shapes = await lines((logger) => {
      logger.info('done', { request_id: 'r-9', status: 200 });
      logger.child({ request_id: 'r-9' }).info('done', { status: 200 });
      runWithContext({ request_id: 'r-9' }, () => logger.info('done', { status: 200 }));
    });
    const strip = (line: string): string => line.replace(/"timestamp":"[^"]+"/, '');
    expect(new Set(shapes.map(strip)).size).toBe(1);
  });

  it('a grandchild that overrides a parent field rewrites its bindings; one that adds keys extends them', async () => {
    const [over, add] = await lines((logger) => {
      const child = logger.child({ component: 'a', keep: 1 });
      child.child({ component: 'b' }).info('over');
      child.child({ extra: true }).info('add');
    });
    expect(keysOf(over!).filter((key) => key === 'component')).toHaveLength(1);
    expect(JSON.parse(over!)).toMatchObject({ component: 'b', keep: 1 });
    expect(JSON.parse(add!)).toMatchObject({ component: 'a', keep: 1, extra: true });
  });
});
