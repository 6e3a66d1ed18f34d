// A Prometheus-like scraper in its own process (on its own core when pinned): GET /metrics read to
// the end as fast as it can, once to warm the server up and once measured; a GET /ping on a new
// connection sent <pingAfterMs> into the measured scrape, and three on an idle server before it.
import { get } from 'node:http';
import { setTimeout } from 'node:timers/promises';

const port = Number(process.argv[2]);
const pingAfterMs = Number(process.argv[3] ?? 10);

function fetch(path: string): Promise<{ ms: number; bytes: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${path}: ${res.statusCode}`));
        else resolve({ ms: performance.now() - start, bytes });
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

await fetch('/metrics');
let idlePingMs = Infinity;
for (let i = 0; i < 3; i++) idlePingMs = Math.min(idlePingMs, (await fetch('/ping')).ms);
const scrape = fetch('/metrics');
const ping = setTimeout(pingAfterMs).then(() => fetch('/ping').then((result) => result.ms));
const [{ ms, bytes }, pingMs] = await Promise.all([scrape, ping]);
console.log(
  '@bench',
  JSON.stringify({ scrape_ms: ms, bytes, ping_ms: pingMs, idle_ping_ms: idlePingMs }),
);
