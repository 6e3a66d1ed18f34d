import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** What kubelet probes and Prometheus scrapes ask for: open to whoever reaches the port. */
const OPEN_PATHS = new Set(['/livez', '/readyz', '/startupz', '/healthz', '/metrics']);

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** 127.0.0.0/8, ::1 and IPv4-mapped ::ffff:127.x.x.x; anything else, or no address, is remote. */
export function isLoopbackAddress(address: string | undefined): boolean {
  const family = address === undefined ? 0 : isIP(address);
  if (address === undefined || family === 0) return false;
  return LOOPBACK.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** A GET or HEAD of a probe or /metrics without `verbose` (details are for admins). */
function isOpen(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = new URL(req.url ?? '/', 'http://admin.invalid');
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  return OPEN_PATHS.has(path) && !url.searchParams.has('verbose');
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

function refuse(
  res: ServerResponse,
  status: 401 | 403,
  detail: string,
  headers: Record<string, string> = {},
): false {
  const body = JSON.stringify({
    type: 'about:blank',
    title: status === 401 ? 'Unauthorized' : 'Forbidden',
    status,
    detail,
  });
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
  return false;
}

/**
 * The admin port's one access rule. Probes and /metrics are open. Everything else (changes, verbose
 * health, /admin/info, any route added later) needs `Authorization: Bearer <token>` when a token is
 * set (401 otherwise), and a loopback caller when none is (403 otherwise). Returns `true` to serve
 * the request; on `false` the refusal has been sent.
 */
export function adminAccess(token: string): (req: IncomingMessage, res: ServerResponse) => boolean {
  const expected = token === '' ? undefined : digest(token);
  return (req, res) => {
    if (isOpen(req)) return true;
    if (expected === undefined) {
      if (isLoopbackAddress(req.socket.remoteAddress)) return true;
      return refuse(
        res,
        403,
        'Admin changes and details are served to loopback callers only while no admin token is set (ADMIN_TOKEN_FILE).',
      );
    }
    const presented = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
    // Equal-length digests: the comparison takes the same time whatever was presented.
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) return true;
    return refuse(res, 401, 'This admin request needs Authorization: Bearer <admin token>.', {
      'www-authenticate':
        presented === undefined
          ? 'Bearer realm="admin"'
          : 'Bearer realm="admin", error="invalid_token"',
    });
  };
}
