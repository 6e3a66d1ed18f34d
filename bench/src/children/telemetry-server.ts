// The telemetry case's server: the HTTP case's bare Express 5 app (GET /v1/items/:id answering
// JSON), started as the example apps start, with `--import @shipshape/telemetry/register` (given by
// the runner in NODE_OPTIONS); the OTEL_* variables decide off, unsampled or sampled. On SIGTERM it
// closes, flushes telemetry (telemetry.shutdown()) and exits 0, so every span it kept was exported.
// The app imports only dynamically, after the preload ran: the same module order as the API.
const { telemetry } = (await import(process.env['BENCH_TELEMETRY_REGISTER'] ?? '')) as {
  telemetry: { enabled: boolean; shutdown(): Promise<void> };
};
const { createServer } = await import('node:http');
const { default: express } = await import('express');

const app = express();
app.disable('x-powered-by');
app.get('/v1/items/:id', (req, res) => {
  res.json({ id: req.params.id, name: 'widget', price_cents: 1999 });
});
const server = createServer(app);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(
    '@bench',
    JSON.stringify({
      port: typeof address === 'object' && address ? address.port : 0,
      telemetry: telemetry.enabled,
    }),
  );
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  telemetry.shutdown().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
