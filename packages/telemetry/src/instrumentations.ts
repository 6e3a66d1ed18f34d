import type { IncomingMessage } from 'node:http';

/**
 * The instrumentations a service of this kind needs. Database and Redis calls are traced only
 * inside a request or job span: a poller's or BullMQ's background commands would otherwise each
 * start a trace of their own. Express middleware layers are not spans (routers and handlers are).
 */
export async function builtInInstrumentations(untracedPaths: readonly string[]) {
  const [http, express, knex, pg, ioredis] = await Promise.all([
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-knex'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
  ]);
  const untraced = new Set(untracedPaths);
  return [
    new http.HttpInstrumentation({
      ignoreIncomingRequestHook: (request: IncomingMessage) =>
        untraced.has((request.url ?? '').split('?', 1)[0] ?? ''),
    }),
    new express.ExpressInstrumentation({ ignoreLayersType: [express.ExpressLayerType.MIDDLEWARE] }),
    new knex.KnexInstrumentation({ requireParentSpan: true }),
    new pg.PgInstrumentation({ requireParentSpan: true }),
    new ioredis.IORedisInstrumentation({ requireParentSpan: true }),
  ];
}
