// autocannon in a process of its own (on its own core when pinned): a warm-up, then the measured
// run against GET <path> on 127.0.0.1:<port>. Reports the measured run's figures.
import autocannon from 'autocannon';

const [port = '', path = '/', connections = '20', warmupSeconds = '1', seconds = '5'] =
  process.argv.slice(2);

const load = (duration: number): Promise<autocannon.Result> =>
  autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    connections: Number(connections),
    duration,
  });

await load(Number(warmupSeconds)); // JIT, lazy module paths, connection set-up
const result = await load(Number(seconds));
console.log(
  '@bench',
  JSON.stringify({
    requests_per_second: result.requests.average,
    latency_p99_ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  }),
);
