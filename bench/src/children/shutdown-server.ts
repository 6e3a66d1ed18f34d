// A node:http server with a 50 ms handler, shut down on SIGTERM by one of the compared libraries.
// At exit it reports how many requests reached the handler and how many were answered.
import { createServer } from 'node:http';

const variant = process.argv[2] ?? 'shipshape';
let received = 0;
let answered = 0;

const server = createServer((_req, res) => {
  received++;
  res.on('finish', () => answered++);
  setTimeout(() => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  }, 50);
});
server.keepAliveTimeout = 65_000;

let reported = false;
function report(): void {
  if (reported) return;
  reported = true;
  console.log('@bench', JSON.stringify({ event: 'exit', received, answered, at: Date.now() }));
}
process.on('exit', report);

switch (variant) {
  case 'shipshape': {
    const { createShutdown } = await import('@shipshape/shutdown');
    const shutdown = createShutdown({ drainDelayMs: 0, timeoutMs: 10_000 });
    shutdown.addHttpServer('http', server);
    break;
  }
  case 'terminus': {
    const { createTerminus } = await import('@godaddy/terminus');
    // terminus re-raises the signal after its cleanup, so the process dies without an 'exit' event.
    createTerminus(server, {
      signals: ['SIGTERM'],
      timeout: 10_000,
      onShutdown: () => Promise.resolve(report()),
    });
    break;
  }
  case 'http-terminator': {
    const { createHttpTerminator } = await import('http-terminator');
    const terminator = createHttpTerminator({ server, gracefulTerminationTimeout: 10_000 });
    process.once('SIGTERM', () => {
      void terminator.terminate().then(() => process.exit(0));
    });
    break;
  }
  case 'naive': {
    process.once('SIGTERM', () => {
      server.close(() => process.exit(0));
      // Busy keep-alive sockets keep a closed server alive; give up as an orchestrator would.
      setTimeout(() => process.exit(1), 10_000).unref();
    });
    break;
  }
  default:
    throw new Error(`unknown shutdown bench variant "${variant}"`);
}

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(
    '@bench',
    JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }),
  );
});
