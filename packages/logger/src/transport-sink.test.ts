import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger.js';
import { LEVEL, MESSAGE, PendingLine, type Info, type LogTransport } from './transport-sink.js';

const json =
  '{"timestamp":"2026-12-02T09:00:00.000Z","level":"info","message":"done","service":"api","request_id":"r-1","status":200}\n';

/** A winston-like transport that records what `log` read from each info it was given. */
class ReadingTransport extends EventEmitter {
  readonly seen: Info[] = [];
  constructor(readonly read: (info: Info) => Info) {
    super();
  }
  log(info: Info, next: () => void): void {
    this.seen.push(this.read(info));
    this.emit('logged', info);
    next();
  }
}

/** Node's generic EventEmitter typings do not match the structural `on` a transport declares. */
const asTransport = (transport: ReadingTransport): LogTransport =>
  transport as unknown as LogTransport;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('PendingLine info', () => {
  it('has winston level and message without parsing the line', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const info = new PendingLine(json, 'info', 1).info;
    expect(info[MESSAGE]).toBe(json.slice(0, -1));
    expect(info[LEVEL]).toBe('info');
    expect(parse).not.toHaveBeenCalled();
  });

  it('a parked line (waiting off the heap for a slow transport) comes back as it was, any text', () => {
    const text = json.replace('"done"', '"fertig ✓ — 完了 😀 \\u0000"');
    const line = new PendingLine(text, 'info', 7);
    line.park();
    const info = line.info;
    expect(info[MESSAGE]).toBe(text.slice(0, -1));
    expect(info.message).toBe('fertig ✓ — 完了 😀 \u0000');
    expect(line.seq).toBe(7);
  });

  it('parses once, on the first field read, and then behaves as the plain object', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const info = new PendingLine(json, 'info', 1).info;
    expect(info.request_id).toBe('r-1');
    expect('status' in info).toBe(true);
    expect(Object.keys(info)).toEqual([
      'level',
      'timestamp',
      'message',
      'service',
      'request_id',
      'status',
    ]);
    expect({ ...info }).toMatchObject({ service: 'api', status: 200 });
    expect(JSON.parse(JSON.stringify(info))).toEqual(JSON.parse(json));
    info.status = 201;
    delete info.service;
    expect(info).toMatchObject({ status: 201 });
    expect('service' in info).toBe(false);
    expect(parse).toHaveBeenCalledTimes(3); // once by the info, twice by this test
  });
});

describe('transports and the lazy info', () => {
  it('a transport that reads only the finished line never parses it', async () => {
    const transport = new ReadingTransport((info) => ({ line: info[MESSAGE] }));
    const logger = createLogger({ service: 'api', transports: [asTransport(transport)] });
    const parse = vi.spyOn(JSON, 'parse');
    logger.info('done', { request_id: 'r-1' });
    await logger.flush();
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
    expect(JSON.parse(String(transport.seen[0]?.line))).toMatchObject({ request_id: 'r-1' });
  });

  it('a transport that reads fields sees them all, redacted', async () => {
    const transport = new ReadingTransport((info) => ({ ...info }));
    const logger = createLogger({ service: 'api', transports: [asTransport(transport)] });
    logger.info('done', { request_id: 'r-1', password: 'hunter2' });
    await logger.flush();
    expect(transport.seen[0]).toMatchObject({
      level: 'info',
      message: 'done',
      service: 'api',
      request_id: 'r-1',
      password: '[REDACTED]',
    });
  });

  it("winston's exception lines reach only transports that handle exceptions, whatever a message says", async () => {
    const plain = new ReadingTransport((info) => ({ message: info.message }));
    const handling = Object.assign(new ReadingTransport((info) => ({ message: info.message })), {
      handleExceptions: true,
    });
    const logger = createLogger({
      service: 'api',
      transports: [asTransport(plain), asTransport(handling)],
    });
    logger.error('uncaught', { exception: true });
    logger.info('a message quoting "exception":true is an ordinary line');
    logger.info('so is a false one', { exception: false });
    await logger.flush();
    expect(plain.seen.map((seen) => seen.message)).toEqual([
      'a message quoting "exception":true is an ordinary line',
      'so is a false one',
    ]);
    expect(handling.seen).toHaveLength(3);
  });
});
