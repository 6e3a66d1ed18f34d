/** The route of requests no route matched (404s from the framework, static files, scanners). */
export const UNMATCHED_ROUTE = 'unmatched';

/** The slice of an Express layer the resolver reads (Express 4 and 5 / router 1.x and 2.x). */
interface LayerLike {
  handle?: { stack?: unknown };
  route?: unknown;
  rawPath?: unknown;
  params?: Record<string, unknown>;
  path?: unknown;
  match?: (path: string) => unknown;
}

interface AppLike {
  router?: { stack?: unknown };
  _router?: { stack?: unknown };
  parent?: AppLike;
  mountpath?: unknown;
}

interface RequestWithRoute {
  baseUrl?: unknown;
  route?: unknown;
  app?: AppLike;
}

const MAX_DEPTH = 16;
/** Per route object: its template when one mount chain leads to it, else DYNAMIC. */
const TEMPLATES = new WeakMap<object, string | typeof DYNAMIC>();
const DYNAMIC = Symbol('dynamic');
/** Per app router stack: mount template by `req.baseUrl`, for requests middleware answered. */
const MOUNTS = new WeakMap<object, Map<string, string>>();
/** Mount paths with parameters give one `baseUrl` per value: past this many, stop remembering. */
const MOUNT_CACHE_LIMIT = 1000;

const ID_LIKE_SEGMENT =
  /^(?:\d+|[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[0-9a-f]{16,}|[0-9A-Za-z_-]{20,})$/i;

/**
 * The route template Express matched for this request — the mount paths of nested routers and
 * sub-apps plus the route's own path (`/orgs/:orgId/users/:id`); for a request answered by
 * middleware mounted with `app.use(path, …)`, the mount's template (`/static`); undefined when
 * nothing matched. Never a concrete path: values captured in `req.baseUrl` never leak into it.
 *
 * The mount chain of each route is found once, from the app's router stack, and kept (keyed by
 * the route object), so the answer does not depend on `req.baseUrl`, which Express restores to
 * the parent's value when an error leaves a nested router. A router mounted at several paths (or
 * under a RegExp or an array of paths) is resolved per request from `req.baseUrl` instead.
 */
export function expressRouteTemplate(req: unknown): string | undefined {
  const request = req as RequestWithRoute;
  const route = request.route;
  if (typeof route !== 'object' || route === null) return mountOnly(request);
  let template = TEMPLATES.get(route);
  if (template === undefined) {
    template = staticTemplate(request, route);
    if (template !== undefined) TEMPLATES.set(route, template);
  }
  return typeof template === 'string' ? template : fromBaseUrl(request, route);
}

/** The template when exactly one chain of static mount paths leads to `route`; DYNAMIC when several do. */
function staticTemplate(
  request: RequestWithRoute,
  route: { path?: unknown },
): string | typeof DYNAMIC | undefined {
  const app = request.app;
  const prefix = appPrefix(app);
  const chains: (string | undefined)[] = [];
  collectChains(app?.router?.stack ?? app?._router?.stack, route, '', chains, 0);
  if (chains.length === 0) return undefined;
  const [chain] = chains;
  if (chains.length > 1 || chain === undefined || prefix === undefined) return DYNAMIC;
  return join(prefix + chain, patternText(route.path));
}

/** Mount paths of sub-apps above `app` (Express sets `mountpath` and `parent`); undefined when not static. */
function appPrefix(app: AppLike | undefined): string | undefined {
  let prefix = '';
  for (let current = app; current?.parent !== undefined; current = current.parent) {
    if (typeof current.mountpath !== 'string') return undefined;
    prefix = trimSlash(current.mountpath) + prefix;
  }
  return prefix;
}

/** Every chain of mount paths from `stack` to a layer of `route`; undefined for a chain with a non-static mount. */
function collectChains(
  stack: unknown,
  route: object,
  prefix: string | undefined,
  chains: (string | undefined)[],
  depth: number,
): void {
  if (!Array.isArray(stack) || depth > MAX_DEPTH) return;
  for (const layer of stack as LayerLike[]) {
    if (layer.route === route) {
      chains.push(prefix);
      continue;
    }
    const inner = layer.handle?.stack;
    if (!Array.isArray(inner)) continue;
    const mount = typeof layer.rawPath === 'string' ? trimSlash(layer.rawPath) : undefined;
    collectChains(
      inner,
      route,
      prefix === undefined || mount === undefined ? undefined : prefix + mount,
      chains,
      depth + 1,
    );
  }
}

/**
 * A request answered by middleware mounted with `app.use(path, …)` (no route): the mount's template
 * (`/static`, `/tenants/:tenantId`). Express has restored `req.baseUrl` to '' by the time a request
 * no layer answered reaches the final 404, so those stay unmatched.
 */
function mountOnly(request: RequestWithRoute): string | undefined {
  const baseUrl = request.baseUrl;
  if (typeof baseUrl !== 'string' || baseUrl === '') return undefined;
  let app = request.app;
  while (app?.parent !== undefined) app = app.parent;
  const stack = app?.router?.stack ?? app?._router?.stack;
  if (typeof stack !== 'object' || stack === null) return scrubIds(baseUrl);
  let byBaseUrl = MOUNTS.get(stack);
  if (byBaseUrl === undefined) {
    byBaseUrl = new Map();
    MOUNTS.set(stack, byBaseUrl);
  }
  let template = byBaseUrl.get(baseUrl);
  if (template === undefined) {
    template = mountTemplate(stack, baseUrl) ?? scrubIds(baseUrl);
    if (byBaseUrl.size < MOUNT_CACHE_LIMIT) byBaseUrl.set(baseUrl, template);
  }
  return template;
}

/** The mount part from `req.baseUrl`, matched against the router stack (mount patterns, not values). */
function fromBaseUrl(request: RequestWithRoute, route: { path?: unknown }): string {
  const leaf = patternText(route.path);
  const baseUrl = typeof request.baseUrl === 'string' ? request.baseUrl : '';
  if (baseUrl === '') return leaf;
  // A sub-app's baseUrl includes its own mount path, so walk from the top-level app.
  let app = request.app;
  while (app?.parent !== undefined) app = app.parent;
  const stack = app?.router?.stack ?? app?._router?.stack;
  return join(mountTemplate(stack, baseUrl) ?? scrubIds(baseUrl), leaf);
}

function join(mounts: string, leaf: string): string {
  if (mounts === '') return leaf;
  return leaf === '/' ? mounts : mounts + leaf;
}

function trimSlash(path: string): string {
  return path.replace(/\/+$/, '');
}

/** Route paths are strings, RegExps or arrays of those; all are code-defined, so bounded. */
function patternText(path: unknown): string {
  if (typeof path === 'string') return path;
  if (path instanceof RegExp) return path.toString();
  if (Array.isArray(path)) return path.map(patternText).join(',');
  return '';
}

/** Walks nested routers, consuming `path`, and returns the concatenated mount patterns. */
function mountTemplate(stack: unknown, path: string, depth = 0): string | undefined {
  if (path === '' || path === '/') return '';
  if (!Array.isArray(stack) || depth > MAX_DEPTH) return undefined;
  for (const item of stack as LayerLike[]) {
    if (typeof item.match !== 'function') continue;
    const matched = matchLayer(item, path);
    if (matched === undefined || matched.consumed === '') continue;
    const inner = item.handle?.stack;
    const remaining = path.slice(matched.consumed.length);
    if (!Array.isArray(inner)) {
      // A mounted sub-app (its router is out of reach) explains the path only if it consumes all of it.
      if (remaining === '' || remaining === '/') return matched.pattern;
      continue;
    }
    const rest = mountTemplate(inner, remaining, depth + 1);
    if (rest !== undefined) return matched.pattern + rest;
  }
  return undefined;
}

function matchLayer(
  layer: LayerLike,
  path: string,
): { consumed: string; pattern: string } | undefined {
  const result = layer.match?.(path);
  if (result === false || result === undefined || result === null) return undefined;
  if (typeof result === 'object') {
    // router >= 2.3: match() returns { path, params, pattern } without touching the layer.
    const {
      path: consumed,
      pattern,
      params,
    } = result as { path?: unknown; pattern?: unknown; params?: unknown };
    if (typeof consumed !== 'string') return undefined;
    const template =
      pattern === undefined
        ? templateFromValues(consumed, params as Record<string, unknown>)
        : patternText(pattern);
    return { consumed, pattern: template };
  }
  // Older routers: match() returns true and leaves the matched path and params on the layer.
  if (typeof layer.path !== 'string') return undefined;
  return { consumed: layer.path, pattern: templateFromValues(layer.path, layer.params ?? {}) };
}

/** Replaces each path segment equal to a captured parameter value with `:name`. */
function templateFromValues(path: string, params: Record<string, unknown> | undefined): string {
  const byValue = new Map<string, string>();
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value === 'string' && value !== '') byValue.set(value, name);
  }
  return path
    .split('/')
    .map((segment) => {
      const name = byValue.get(safeDecode(segment));
      return name === undefined ? scrubSegment(segment) : `:${name}`;
    })
    .join('/');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function scrubSegment(segment: string): string {
  return ID_LIKE_SEGMENT.test(segment) ? ':id' : segment;
}

/** Last resort for mount paths the stack walk cannot explain: id-like segments become `:id`. */
function scrubIds(path: string): string {
  return path.split('/').map(scrubSegment).join('/');
}
