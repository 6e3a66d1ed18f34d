// One measurement in a fresh process: log N lines with request and trace fields to a file, flush, report.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import winston from 'winston';
import { createLogger, runWithContext } from '../dist/index.js';

const [name, linesArg, file] = process.argv.slice(2);
const lines = Number(linesArg);
const fields = {
  method: 'GET',
  route: '/orders/:id',
  status: 200,
  duration_ms: 12.3,
  order_id: 'o-123',
};
const ids = { request_id: 'f0c1a2b3-0000-4000-8000-000000000001' };

async function shipshape() {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider());
  const logger = createLogger({ service: 'bench', version: '1.0.0', destination: { path: file } });
  const span = trace.getTracer('bench').startSpan('request');
  const start = performance.now();
  await context.with(trace.setSpan(context.active(), span), () =>
    runWithContext(ids, async () => {
      for (let i = 0; i < lines; i++) logger.info('request handled', fields);
      await logger.flush();
    }),
  );
  return performance.now() - start;
}

async function withPino() {
  const spanIds = { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' };
  const logger = pino(
    { base: { service: 'bench', version: '1.0.0' } },
    pino.destination(file),
  ).child({ ...ids, ...spanIds });
  const start = performance.now();
  for (let i = 0; i < lines; i++) logger.info(fields, 'request handled');
  logger.flush();
  return performance.now() - start;
}

async function withWinston() {
  const spanIds = { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' };
  const transport = new winston.transports.File({ filename: file });
  const root = winston.createLogger({
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    defaultMeta: { service: 'bench', version: '1.0.0' },
    transports: [transport],
  });
  const logger = root.child({ ...ids, ...spanIds });
  const start = performance.now();
  for (let i = 0; i < lines; i++) logger.info('request handled', fields);
  // winston has no flush (winston#228); count the File transport's 'logged' events instead, then
  // give its file stream a moment to hand the last write to the OS.
  await new Promise((resolve) => {
    let logged = 0;
    transport.on('logged', () => {
      if (++logged === lines) resolve();
    });
  });
  await new Promise((resolve) => transport._stream.write('', resolve));
  return performance.now() - start;
}

const run = { shipshape, pino: withPino, winston: withWinston }[name];
const ms = await run();
process.stdout.write(
  JSON.stringify({
    linesPerSecond: (lines / ms) * 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
