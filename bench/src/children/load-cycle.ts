// autocannon in a process of its own (on its own core when pinned), against several servers that run
// side by side, in short slices taken in turn: every server is warmed up, then each cycle gives each
// server one slice, the order rotated every cycle. Only the server under load runs: the others are
// stopped (SIGSTOP) between their slices, so work a server defers past its slice (a log backlog
// being written) is done in its own next slice, never in another's. A server's figure sums its
// slices, so every contender is measured across the same stretch of the host's time.
//
// Arguments: [--method M] [--body JSON] <path> <connections> <warmup s> <slice s> <cycles> <pid:port>...
// Reports one line: { results: { "<port>": { requests_per_second, latency_p99_ms, non2xx, errors,
// answered_2xx } } } (answered_2xx counts the warm-up too, for a server's own count of its work).
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values: request, positionals } = parseArgs({
  options: { method: { type: 'string', default: 'GET' }, body: { type: 'string' } },
  allowPositionals: true,
});
const [path = '/', connections = '20', warmupS = '1', sliceS = '1', cyclesS = '5', ...targets] =
  positionals;

interface Server {
  readonly pid: number;
  readonly port: number;
}

const servers: Server[] = targets.map((target) => {
  const [pid = Number.NaN, port = Number.NaN] = target.split(':').map(Number);
  if (!Number.isInteger(pid) || !Number.isInteger(port))
    throw new Error(`load-cycle: "${target}" is not <pid>:<port>`);
  return { pid, port };
});

const load = (server: Server, seconds: number): Promise<autocannon.Result> =>
  autocannon({
    url: `http://127.0.0.1:${server.port}${path}`,
    connections: Number(connections),
    duration: seconds,
    method: request.method as autocannon.Request['method'],
    ...(request.body === undefined
      ? {}
      : { body: request.body, headers: { 'content-type': 'application/json' } }),
  });

/** Runs `seconds` of load against one server, the only one of them allowed to run meanwhile. */
async function slice(server: Server, seconds: number): Promise<autocannon.Result> {
  process.kill(server.pid, 'SIGCONT');
  try {
    return await load(server, seconds);
  } finally {
    process.kill(server.pid, 'SIGSTOP');
  }
}

for (const server of servers) process.kill(server.pid, 'SIGSTOP');

interface Tally {
  requests: number;
  seconds: number;
  p99s: number[];
  non2xx: number;
  errors: number;
  answered2xx: number;
}
const tallies = new Map<Server, Tally>(
  servers.map((server) => [
    server,
    { requests: 0, seconds: 0, p99s: [], non2xx: 0, errors: 0, answered2xx: 0 },
  ]),
);
const count = (server: Server, result: autocannon.Result, measured: boolean): void => {
  const tally = tallies.get(server);
  if (tally === undefined) return;
  tally.non2xx += result.non2xx;
  tally.errors += result.errors;
  tally.answered2xx += result['2xx'];
  if (!measured) return;
  tally.requests += result.requests.total;
  tally.seconds += result.duration;
  tally.p99s.push(result.latency.p99);
};

try {
  // JIT, lazy module paths, connection set-up.
  for (const server of servers) count(server, await slice(server, Number(warmupS)), false);
  for (let cycle = 0; cycle < Number(cyclesS); cycle++) {
    const shift = cycle % servers.length;
    for (const server of [...servers.slice(shift), ...servers.slice(0, shift)])
      count(server, await slice(server, Number(sliceS)), true);
  }
} finally {
  for (const server of servers) process.kill(server.pid, 'SIGCONT');
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
};

console.log(
  '@bench',
  JSON.stringify({
    results: Object.fromEntries(
      [...tallies].map(([server, tally]) => [
        String(server.port),
        {
          requests_per_second: tally.requests / tally.seconds,
          latency_p99_ms: median(tally.p99s),
          non2xx: tally.non2xx,
          errors: tally.errors,
          answered_2xx: tally.answered2xx,
        },
      ]),
    ),
  }),
);
