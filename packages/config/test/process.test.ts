import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures');
const SECRET = 'S3cr3t-a9b8c7-never-print';

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(
  args: readonly string[],
  env: Record<string, string>,
  options: { until?: RegExp; timeoutMs?: number } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      cwd: fixtures,
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fixture timed out; stdout=${stdout} stderr=${stderr}`));
    }, options.timeoutMs ?? 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.until?.test(stdout) === true) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.setTimeout(2_000);
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(true);
    });
  });
}

beforeAll(() => {
  if (!existsSync(join(here, '..', 'dist', 'index.js'))) {
    throw new Error(
      'dist/index.js is missing: run `pnpm build` first (turbo runs it before test).',
    );
  }
});

describe('a process that loads, dumps and fails on a config holding a secret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-proc-'));
  const tokenFile = join(dir, 'api-token');
  writeFileSync(tokenFile, `${SECRET}\n`);
  const env = {
    SECRET,
    DATABASE_URL: `postgres://app:${SECRET}@db:5432/orders`,
    REDIS_URL: `redis://default:${SECRET}@cache:6379`,
    API_TOKEN_FILE: tokenFile,
    API_WEBHOOK: `https://hook:${SECRET}@example.com/x`,
  };

  it('prints the secret nowhere when it exits through exitOnConfigError', async () => {
    const result = await run(['load-dump-fail.mjs'], { ...env, FAIL_MODE: 'exit' });
    expect(result.code).toBe(78);
    expect(result.stdout).toContain('"url":"[REDACTED]"');
    expect(result.stdout).toContain('https://hook:[REDACTED]@example.com/x');
    expect(result.stdout).toContain(`token length ${SECRET.length}`);
    expect(result.stderr).toContain('Configuration is invalid (5 problems)');
    for (const key of [
      'database.url',
      'redis.url',
      'api.webhook',
      'api.token',
      'database.poolMax',
    ]) {
      expect(result.stderr).toContain(key);
    }
    expect(result.stdout).not.toContain('unreachable');
    expect(result.stdout).not.toContain(SECRET);
    expect(result.stderr).not.toContain(SECRET);
  });

  it('prints the secret nowhere when the ConfigError is left uncaught', async () => {
    const result = await run(['load-dump-fail.mjs'], { ...env, FAIL_MODE: 'throw' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ConfigError: Configuration is invalid');
    expect(result.stderr).toContain("code: 'CONFIG_INVALID'");
    expect(result.stdout).not.toContain(SECRET);
    expect(result.stderr).not.toContain(SECRET);
  });

  it('control: the secret is really in play (the fixture read it)', async () => {
    const result = await run(['-e', `process.stdout.write(process.env.DATABASE_URL)`], env);
    expect(result.stdout).toContain(SECRET);
  });
});

describe('exit code 78 before any port opens', () => {
  it('exits 78 with every problem on stderr and never calls listen()', async () => {
    const port = 40_000 + Math.floor(Math.random() * 20_000);
    const result = await run(['--import', './trace-listen.mjs', 'server.mjs', '--server.prot=1'], {
      SERVER_PORT: String(port),
      LOG_LEVEL: 'loud',
      SERVER_REQUEST_TIMEOUT: 'forever',
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('Configuration is invalid (3 problems)');
    expect(result.stderr).toContain('log.level');
    expect(result.stderr).toContain('server.requestTimeout');
    expect(result.stderr).toContain("unknown argument --server.prot (did you mean 'server.port'?)");
    expect(result.stderr).toContain('Exiting with code 78 (EX_CONFIG)');
    expect(result.stderr).not.toContain('LISTEN_CALLED');
    expect(result.stdout).not.toContain('LISTENING');
    expect(await portIsClosed(port)).toBe(true);
  });

  it('control: with a valid config the same fixture opens its port', async () => {
    const result = await run(
      ['--import', './trace-listen.mjs', 'server.mjs'],
      { SERVER_PORT: '0' },
      { until: /LISTENING \d+/ },
    );
    expect(result.stderr).toContain('LISTEN_CALLED');
    expect(result.stdout).toMatch(/LISTENING \d+/);
    expect(result.code).toBe(0);
  });
});
