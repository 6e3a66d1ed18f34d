// autocannon in a process of its own (on its own core when pinned): a warm-up, then the measured
// run against <method> <path> on 127.0.0.1:<port>, with a JSON body when one is given. Reports the
// measured run's figures.
import autocannon from 'autocannon';

const [
  port = '',
  path = '/',
  connections = '20',
  warmupSeconds = '1',
  seconds = '5',
  method = 'GET',
  body,
] = process.argv.slice(2);

const load = (duration: number): Promise<autocannon.Result> =>
  autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    connections: Number(connections),
    duration,
    method: method as autocannon.Request['method'],
    ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
  });

const warmup = await load(Number(warmupSeconds)); // JIT, lazy module paths, connection set-up
const result = await load(Number(seconds));
console.log(
  '@bench',
  JSON.stringify({
    requests_per_second: result.requests.average,
    latency_p99_ms: result.latency.p99,
    non2xx: result.non2xx + warmup.non2xx,
    errors: result.errors + warmup.errors,
    // Every request answered, warm-up included (for the server's own count of what it did).
    answered_2xx: result['2xx'] + warmup['2xx'],
  }),
);
