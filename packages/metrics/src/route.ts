/** The slice of an Express layer the route resolver reads (Express 4 and 5 / router 1.x and 2.x). */
interface LayerLike {
  handle?: { stack?: unknown };
  rawPath?: unknown;
  keys?: readonly { name: string | number }[];
  params?: Record<string, unknown>;
  path?: unknown;
  match?: (path: string) => unknown;
}

interface AppLike {
  router?: { stack?: unknown };
  _router?: { stack?: unknown };
  parent?: AppLike;
}

interface RequestWithRoute {
  baseUrl?: unknown;
  route?: { path?: unknown };
  app?: AppLike;
}

const ID_LIKE_SEGMENT =
  /^(?:\d+|[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[0-9a-f]{16,}|[0-9A-Za-z_-]{20,})$/i;

/**
 * The route template Express matched for this request — mount paths of nested routers plus the
 * route's own path (`/orgs/:orgId/users/:id`) — or undefined when no route matched. Mount paths are
 * recovered from the router stack so values captured in `req.baseUrl` never leak into labels.
 */
export function expressRouteTemplate(req: unknown): string | undefined {
  const request = req as RequestWithRoute;
  const routePath = request.route?.path;
  if (routePath === undefined) return undefined;
  const leaf = patternText(routePath);
  const baseUrl = typeof request.baseUrl === 'string' ? request.baseUrl : '';
  if (baseUrl === '') return leaf;
  // A sub-app's baseUrl includes its own mount path, so walk from the top-level app.
  let app = request.app;
  while (app?.parent !== undefined) app = app.parent;
  const stack = app?.router?.stack ?? app?._router?.stack;
  return `${mountTemplate(stack, baseUrl) ?? scrubIds(baseUrl)}${leaf === '/' ? '' : leaf}`;
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
  if (!Array.isArray(stack) || depth > 16) return undefined;
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
export function scrubIds(path: string): string {
  return path.split('/').map(scrubSegment).join('/');
}
