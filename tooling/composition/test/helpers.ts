import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';

/** A stream that keeps everything written to it. */
export class Capture extends Writable {
  #text = '';

  constructor() {
    super({
      decodeStrings: false,
      write: (chunk: unknown, _encoding, done) => {
        this.#text += String(chunk);
        done();
      },
    });
  }

  get text(): string {
    return this.#text;
  }

  /** Every line that is a JSON object, parsed. */
  json(): Record<string, unknown>[] {
    return this.#text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

/** Listens on a free loopback port; returns the base URL and a close that ends keep-alive sockets. */
export async function listen(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The samples of one metric family in Prometheus text, as label maps and values. */
export function samples(
  text: string,
  name: string,
): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const close = line.indexOf('}');
    const labels: Record<string, string> = {};
    for (const match of line.slice(name.length + 1, close).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[match[1]!] = match[2]!;
    }
    out.push({
      labels,
      value: Number(
        line
          .slice(close + 1)
          .trim()
          .split(' ')[0],
      ),
    });
  }
  return out;
}
