import { valueAt, type ConfigRule } from '../rules.js';

/** Overrides for `adminSchema` defaults. */
export interface AdminSchemaOptions {
  readonly host?: string;
  readonly port?: number;
}

export const ADMIN_SCHEMA_DEFAULTS = { host: '127.0.0.1', port: 9464 } as const;

/** Shortest admin token accepted: long enough that guessing it over the network is hopeless. */
export const ADMIN_TOKEN_MIN_LENGTH = 16;

/** The admin listener (probes, metrics, log level): `ADMIN_HOST`, `ADMIN_PORT`, `ADMIN_TOKEN` (sensitive). */
export function adminSchema(options: AdminSchemaOptions = {}) {
  const d = { ...ADMIN_SCHEMA_DEFAULTS, ...options };
  return {
    host: {
      doc: 'Interface the admin listener (probes, /metrics, log level) binds to: loopback by default; 0.0.0.0 (all interfaces) in a container.',
      format: 'host',
      default: d.host,
      env: 'ADMIN_HOST',
    },
    port: {
      doc: 'Port of the admin listener; never the public port.',
      format: 'port',
      default: d.port,
      env: 'ADMIN_PORT',
    },
    token: {
      doc: `Bearer token required for admin changes and detailed reads (use ADMIN_TOKEN_FILE); empty: only loopback callers may make them. At least ${ADMIN_TOKEN_MIN_LENGTH} characters, no spaces.`,
      format: 'string',
      default: '',
      env: 'ADMIN_TOKEN',
      sensitive: true,
    },
  } as const;
}

/** Rules of an `adminSchema()` section mounted at `section`. */
export function adminRules(section = 'admin'): ConfigRule<object>[] {
  const token = `${section}.token`;
  const pattern = new RegExp(`^\\S{${ADMIN_TOKEN_MIN_LENGTH},}$`);
  return [
    {
      keys: [token],
      rule: `${token} must be empty or at least ${ADMIN_TOKEN_MIN_LENGTH} characters without spaces`,
      check: (config) => {
        const value = valueAt(config, token);
        return value === '' || (typeof value === 'string' && pattern.test(value));
      },
      fix: 'Generate one with `openssl rand -hex 32` and mount it as ADMIN_TOKEN_FILE.',
    },
  ];
}
