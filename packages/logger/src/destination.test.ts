import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { Capture } from '../test/helpers.js';
import { FileDestination } from './file-destination.js';
import { StreamDestination, streamDestination } from './stream-destination.js';

const dir = mkdtempSync(join(tmpdir(), 'shipshape-logger-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('StreamDestination', () => {
  it('batches lines, honours backpressure, and flush resolves only after every earlier line was acknowledged', async () => {
    const out = new Capture({ delayMs: 2, highWaterMark: 1024 });
    const destination = new StreamDestination(out);
    let drains = 0;
    out.on('drain', () => drains++);
    // A tight loop never lets 'drain' fire: full chunks queue up and go out in order on flush.
    for (let i = 0; i < 20_000; i++) destination.write(`{"i":${i},"pad":"${'x'.repeat(40)}"}\n`);
    await destination.flush();
    const acknowledged = out.chunks.join('').split('\n').length - 1;
    expect(acknowledged).toBe(20_000);
    const order = out.text
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { i: number }).i);
    expect(order).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
    expect(out.chunks.length).toBeLessThan(200);
    expect(drains).toBeGreaterThan(0);
  });

  it('flush with nothing pending resolves at once', async () => {
    const destination = new StreamDestination(new Capture());
    await expect(destination.flush()).resolves.toBeUndefined();
  });

  it('writes lines from one tick together on the next turn of the event loop', async () => {
    const out = new Capture();
    const destination = new StreamDestination(out);
    destination.write('a\n');
    destination.write('b\n');
    expect(out.text).toBe('');
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.chunks).toEqual(['a\nb\n']);
  });

  it('rejects flush with LOGGER_DESTINATION_FAILED when the stream fails, and counts dropped lines', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('EPIPE: reader went away'));
      },
    });
    const destination = new StreamDestination(broken);
    destination.write('one\n');
    await expect(destination.flush()).rejects.toMatchObject({ code: 'LOGGER_DESTINATION_FAILED' });
    destination.write('two\n');
    expect(destination.droppedLines).toBe(1);
    await expect(destination.close()).rejects.toThrow(/EPIPE/);
  });
});

describe('FileDestination', () => {
  it('appends to a file, creating its directory, and flushes synchronously', async () => {
    const path = join(dir, 'nested', 'app.log');
    const destination = new FileDestination(path);
    for (let i = 0; i < 5000; i++) destination.write(`line ${i}\n`);
    await destination.flush();
    expect(readFileSync(path, 'utf8').split('\n').length - 1).toBe(5000);
    destination.write('last\n');
    await destination.close();
    expect(readFileSync(path, 'utf8').endsWith('line 4999\nlast\n')).toBe(true);
  });

  it('fails with an actionable error when the file cannot be opened', () => {
    expect(() => new FileDestination(join(dir, 'nope\u0000', 'x.log'))).toThrow(
      expect.objectContaining({ code: 'LOGGER_DESTINATION_FAILED' }),
    );
  });
});

describe('streamDestination (shared per stream)', () => {
  it('gives loggers of one stream one buffer, so lines keep their order, and detaches after the last close', async () => {
    const out = new Capture();
    const first = streamDestination(out);
    const second = streamDestination(out);
    expect(second).toBe(first);
    first.write('1\n');
    second.write('2\n');
    first.write('3\n');
    await second.flush();
    expect(out.text).toBe('1\n2\n3\n');
    expect(out.listenerCount('error')).toBe(1);
    await first.close();
    expect(out.listenerCount('error')).toBe(1);
    await second.close();
    expect(out.listenerCount('error')).toBe(0);
    expect(streamDestination(out)).not.toBe(first);
  });
});
