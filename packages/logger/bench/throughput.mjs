// Logger throughput and peak memory: shipshape vs pino vs raw winston, same lines, same machine.
// Usage: pnpm build && node bench/throughput.mjs [lines=200000] [rounds=3]
// Each measurement runs in its own process (peak RSS is per process); configurations alternate A B C A B C …
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const lines = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 3);
const worker = fileURLToPath(new URL('./throughput-worker.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'logger-bench-'));
const configs = ['shipshape', 'pino', 'winston'];
const results = Object.fromEntries(configs.map((name) => [name, []]));

try {
  for (let round = 0; round < rounds; round++) {
    for (const name of configs) {
      const file = join(dir, `${name}-${round}.log`);
      const run = spawnSync(process.execPath, [worker, name, String(lines), file], {
        encoding: 'utf8',
      });
      if (run.status !== 0) throw new Error(`${name} failed: ${run.stderr}`);
      const result = JSON.parse(run.stdout);
      const written = readFileSync(file, 'utf8').split('\n').length - 1;
      if (written !== lines) throw new Error(`${name} delivered ${written} of ${lines} lines`);
      results[name].push(result);
      rmSync(file);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const pino = {
  rate: median(results.pino.map((r) => r.linesPerSecond)),
  rss: median(results.pino.map((r) => r.maxRssMb)),
};
console.log(`node ${process.version}, ${lines} lines x ${rounds} rounds, median`);
console.log('logger      lines/s    x pino   peak RSS MB  x pino');
for (const name of configs) {
  const rate = median(results[name].map((r) => r.linesPerSecond));
  const rss = median(results[name].map((r) => r.maxRssMb));
  console.log(
    `${name.padEnd(10)} ${String(Math.round(rate)).padStart(8)}   ${(rate / pino.rate).toFixed(2).padStart(6)}   ${rss.toFixed(0).padStart(11)}  ${(rss / pino.rss).toFixed(2).padStart(6)}`,
  );
}
