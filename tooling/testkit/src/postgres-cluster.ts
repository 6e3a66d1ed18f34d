import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { findPostgresBinDir } from './postgres-binaries.js';
import { TestkitError } from './testkit-error.js';

const run = promisify(execFile);

/** Options for {@link startPostgresCluster}; every field is optional. */
export interface PostgresClusterOptions {
  /** Folder holding initdb and pg_ctl. Default: found by {@link findPostgresBinDir}. */
  readonly binDir?: string;
  /** Bound for each initdb / pg_ctl call. */
  readonly commandTimeoutMs?: number;
}

/** The fixed defaults; `binDir` has none: it is looked up on each machine. */
export const POSTGRES_CLUSTER_DEFAULTS = {
  commandTimeoutMs: 60_000,
} as const satisfies Required<Omit<PostgresClusterOptions, 'binDir'>>;

type ResolvedPostgresClusterOptions = {
  readonly [K in keyof PostgresClusterOptions]-?: PostgresClusterOptions[K] & {};
};

/** pg_ctl shutdown modes: `fast` terminates open connections (57P01); `immediate` aborts like a crash. */
export type ShutdownMode = 'smart' | 'fast' | 'immediate';

/** A throw-away PostgreSQL cluster on a free port (trust auth, user `postgres`), in its own temp dir. */
export interface PostgresCluster {
  readonly port: number;
  readonly dir: string;
  /** The folder whose initdb and pg_ctl run this cluster. */
  readonly binDir: string;
  /** `postgres://postgres@127.0.0.1:<port>` — append `/<database>`. */
  readonly serverUrl: string;
  /** (Re)starts the server and waits until it accepts connections. */
  start(): Promise<void>;
  /** Stops the server (default mode `fast`) and waits for it. */
  stop(mode?: ShutdownMode): Promise<void>;
  /** Stops it (`immediate`, errors ignored) and removes the directory. */
  destroy(): Promise<void>;
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

/**
 * Creates (initdb) and starts a private cluster. As root, the commands run as the `postgres` user
 * (`runuser`) in a directory owned by it; otherwise as the current user.
 */
export async function startPostgresCluster(
  options: PostgresClusterOptions = {},
): Promise<PostgresCluster> {
  const config: ResolvedPostgresClusterOptions = {
    ...POSTGRES_CLUSTER_DEFAULTS,
    ...options,
    binDir: options.binDir ?? (await findPostgresBinDir()).binDir,
  };
  const asRoot = process.getuid?.() === 0;
  const exec = async (bin: string, args: string[]): Promise<void> => {
    const command = join(config.binDir, bin);
    try {
      if (asRoot) {
        await run('runuser', ['-u', 'postgres', '--', command, ...args], {
          timeout: config.commandTimeoutMs,
        });
      } else {
        await run(command, args, { timeout: config.commandTimeoutMs });
      }
    } catch (error) {
      const stderr =
        typeof error === 'object' && error !== null && 'stderr' in error
          ? String(error.stderr)
          : '';
      throw new TestkitError(
        'TESTKIT_POSTGRES_COMMAND_FAILED',
        `${bin} ${args.join(' ')} failed${asRoot ? ' (as user postgres)' : ''}: ${stderr.trim()}; ` +
          `check that PostgreSQL binaries exist in ${config.binDir} and see the server log in its directory`,
        { cause: error },
      );
    }
  };
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-pg-'));
  const data = join(dir, 'data');
  const timeoutSeconds = String(Math.ceil(config.commandTimeoutMs / 1000));
  let port = 0;
  const cluster: PostgresCluster = {
    get port() {
      return port;
    },
    dir,
    binDir: config.binDir,
    get serverUrl() {
      return `postgres://postgres@127.0.0.1:${String(port)}`;
    },
    async start() {
      await exec('pg_ctl', [
        '-D',
        data,
        '-l',
        join(dir, 'log'),
        '-o',
        `-p ${String(port)} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
        '-w',
        '-t',
        timeoutSeconds,
        'start',
      ]);
    },
    async stop(mode = 'fast') {
      await exec('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', timeoutSeconds, 'stop']);
    },
    async destroy() {
      await cluster.stop('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    if (asRoot) {
      const { uid, gid } = await postgresIds();
      chownSync(dir, uid, gid);
    }
    port = await freePort();
    await exec('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
    await cluster.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return cluster;
}
