import { valueAt, type ConfigRule } from '../rules.js';

/** Overrides for `serverSchema` defaults. Durations take `"30s"`-style text or milliseconds. */
export interface ServerSchemaOptions {
  readonly host?: string;
  readonly port?: number;
  readonly requestTimeout?: string | number;
  readonly headersTimeout?: string | number;
  readonly keepAliveTimeout?: string | number;
  readonly bodyLimit?: string | number;
}

export const SERVER_SCHEMA_DEFAULTS = {
  host: '0.0.0.0',
  port: 3000,
  requestTimeout: '30s',
  headersTimeout: '10s',
  keepAliveTimeout: '65s',
  bodyLimit: '100kb',
} as const;

/** The public HTTP server: `SERVER_HOST`, `SERVER_PORT`, timeouts (ms) and body limit (bytes). */
export function serverSchema(options: ServerSchemaOptions = {}) {
  const d = { ...SERVER_SCHEMA_DEFAULTS, ...options };
  return {
    host: {
      doc: 'Interface the public HTTP server binds to.',
      format: 'host',
      default: d.host,
      env: 'SERVER_HOST',
    },
    port: {
      doc: 'Port of the public HTTP server.',
      format: 'port',
      default: d.port,
      env: 'SERVER_PORT',
    },
    requestTimeout: {
      doc: 'Longest time to receive a whole request (node:http requestTimeout), in ms.',
      format: 'duration',
      min: '1ms',
      default: d.requestTimeout,
      env: 'SERVER_REQUEST_TIMEOUT',
    },
    headersTimeout: {
      doc: 'Longest time to receive request headers (node:http headersTimeout); keep it at most requestTimeout.',
      format: 'duration',
      min: '1ms',
      default: d.headersTimeout,
      env: 'SERVER_HEADERS_TIMEOUT',
    },
    keepAliveTimeout: {
      doc: 'Idle keep-alive socket lifetime; longer than the load balancer idle timeout (60s on most).',
      format: 'duration',
      min: '1ms',
      default: d.keepAliveTimeout,
      env: 'SERVER_KEEP_ALIVE_TIMEOUT',
    },
    bodyLimit: {
      doc: 'Largest accepted request body, in bytes ("100kb", "1mb").',
      format: 'bytes',
      default: d.bodyLimit,
      env: 'SERVER_BODY_LIMIT',
    },
  } as const;
}

/** Rules of a `serverSchema()` section mounted at `section`. */
export function serverRules(section = 'server'): ConfigRule<object>[] {
  const headers = `${section}.headersTimeout`;
  const request = `${section}.requestTimeout`;
  return [
    {
      keys: [headers, request],
      rule: `${headers} must be at most ${request} (node:http refuses a longer headers timeout)`,
      check: (config) => Number(valueAt(config, headers)) <= Number(valueAt(config, request)),
    },
  ];
}
