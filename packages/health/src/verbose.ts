import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { VerbosePolicy } from './options.js';

/** `?verbose`, `?verbose=1`, `?verbose=true` ask for details; `?verbose=0|false` and absence do not. */
export function asksForVerbose(search: URLSearchParams): boolean {
  const value = search.get('verbose');
  if (value === null) return false;
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] !== undefined) return match[1];
  }
  const header = headers['x-health-token'];
  if (typeof header === 'string' && header.length > 0) return header;
  return undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Whether details may be shown: the request asked AND the policy allows this caller. */
export function verboseAllowed(
  policy: VerbosePolicy,
  search: URLSearchParams,
  headers: IncomingHttpHeaders,
): boolean {
  if (!asksForVerbose(search)) return false;
  if (policy === 'never') return false;
  if (policy === 'always') return true;
  const token = presentedToken(headers);
  if (token === undefined) return false;
  // Compare fixed-length digests so neither the length nor the content leaks through timing.
  return timingSafeEqual(digest(token), digest(policy.token));
}
