// An Express 5 app answering GET /v1/items/:id with JSON, in one of the stacks compared by the
// HTTP case. Every stack writes its access lines to the same kind of destination (a file).
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express, { type Express } from 'express';

const variant = process.argv[2] ?? 'bare';
const logFile = join(tmpdir(), `shipshape-bench-http-${variant}-${process.pid}.log`);

/** The OpenTelemetry set-up shipshape's stacks and the hand-written ones run under alike. */
async function openTelemetry(): Promise<void> {
  const { context, trace } = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { BasicTracerProvider } = await import('@opentelemetry/sdk-trace-base');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider());
}

async function instrument(app: Express): Promise<void> {
  switch (variant) {
    case 'bare':
      return;
    case 'shipshape':
    case 'shipshape-context':
    case 'shipshape-logger':
    case 'shipshape-metrics': {
      // The full stack composed as the READMEs and the API compose it (one lifecycle), or one
      // package alone to attribute the cost.
      await openTelemetry();
      const red = async () => {
        const { createMetrics } = await import('@shipshape/metrics');
        return createMetrics({ service: 'bench', version: '1.0.0' }).httpMiddleware();
      };
      if (variant === 'shipshape-metrics') {
        app.use(await red());
        return;
      }
      const { createLogger, requestContext, accessLog } = await import('@shipshape/logger');
      const logger = createLogger({
        service: 'bench',
        version: '1.0.0',
        destination: { path: logFile },
      });
      const observers =
        variant === 'shipshape'
          ? [accessLog(logger), await red()]
          : variant === 'shipshape-logger'
            ? [accessLog(logger)]
            : [];
      app.use(requestContext({ observers }));
      return;
    }
    case 'peer': {
      const { default: rTracer } = await import('cls-rtracer');
      const { default: promBundle } = await import('express-prom-bundle');
      const { default: expressWinston } = await import('express-winston');
      const { default: winston } = await import('winston');
      app.use(rTracer.expressMiddleware());
      app.use(promBundle({ includeMethod: true, includePath: true, includeStatusCode: true }));
      app.use(
        expressWinston.logger({
          // winston's typings declare its transports in a way this rule cannot follow.
          // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
          transports: [new winston.transports.File({ filename: logFile })],
          format: winston.format.json(),
          dynamicMeta: () => ({ request_id: rTracer.id() }),
        }),
      );
      return;
    }
    case 'handwritten-winston':
    case 'handwritten-pino': {
      await openTelemetry();
      const requests = new AsyncLocalStorage<{ request_id: string }>();
      const { Histogram, Registry } = await import('prom-client');
      const registry = new Registry();
      const duration = new Histogram({
        name: 'http_server_request_duration_seconds',
        help: 'Duration of HTTP server requests.',
        labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
        registers: [registry],
      });
      let line: (fields: Record<string, unknown>) => void;
      if (variant === 'handwritten-pino') {
        const { default: pino } = await import('pino');
        const log = pino(pino.destination({ dest: logFile, sync: false }));
        line = (fields) => log.info(fields, 'request finished');
      } else {
        const { default: winston } = await import('winston');
        const log = winston.createLogger({
          format: winston.format.json(),
          // winston's typings declare its transports in a way this rule cannot follow.
          // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
          transports: [new winston.transports.File({ filename: logFile })],
        });
        line = (fields) => log.info('request finished', fields);
      }
      app.use((req, res, next) => {
        const start = performance.now();
        const request_id = randomUUID();
        res.on('finish', () => {
          const route =
            req.baseUrl + ((req.route as { path?: string } | undefined)?.path ?? '') || 'unmatched';
          const seconds = (performance.now() - start) / 1000;
          duration.observe(
            {
              http_request_method: req.method,
              http_route: route,
              http_response_status_code: res.statusCode,
            },
            seconds,
          );
          line({
            request_id,
            method: req.method,
            route,
            status: res.statusCode,
            duration_ms: seconds * 1000,
          });
        });
        requests.run({ request_id }, next);
      });
      return;
    }
    default:
      throw new Error(`unknown HTTP bench variant "${variant}"`);
  }
}

const app = express();
app.disable('x-powered-by');
await instrument(app);
app.get('/v1/items/:id', (req, res) => {
  res.json({ id: req.params.id, name: 'widget', price_cents: 1999 });
});
const server = createServer(app);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(
    '@bench',
    JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, logFile }),
  );
});
