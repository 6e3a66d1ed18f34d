import type { IncomingMessage } from 'node:http';

/** A request target's path without query, fragment or trailing slash (`/readyz/?full=1` → `/readyz`). */
function pathOf(target: string): string {
  const path = target.split(/[?#]/, 1)[0] ?? '';
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** Whether a request target names one of `untracedPaths`, whatever its query or trailing slash. */
export function untracedMatcher(untracedPaths: readonly string[]): (target: string) => boolean {
  const untraced = new Set(untracedPaths.map(pathOf));
  return (target) => untraced.has(pathOf(target));
}

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
  const untraced = untracedMatcher(untracedPaths);
  return [
    new http.HttpInstrumentation({
      ignoreIncomingRequestHook: (request: IncomingMessage) => untraced(request.url ?? ''),
    }),
    new express.ExpressInstrumentation({ ignoreLayersType: [express.ExpressLayerType.MIDDLEWARE] }),
    new knex.KnexInstrumentation({ requireParentSpan: true }),
    new pg.PgInstrumentation({ requireParentSpan: true }),
    new ioredis.IORedisInstrumentation({ requireParentSpan: true }),
  ];
}
