import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { execFileAsync, readRepoFile, repoRoot } from './repo.js';

async function runSetup(): Promise<string> {
  const { stdout } = await execFileAsync('bash', ['scripts/setup.sh'], {
    cwd: repoRoot,
    timeout: 240_000,
  });
  return stdout;
}

/** What an install could rewrite: the lockfile and the root manifests. */
async function installState(): Promise<string> {
  const files = ['pnpm-lock.yaml', 'package.json', 'pnpm-workspace.yaml'];
  const { stdout } = await execFileAsync('git', ['hash-object', ...files], { cwd: repoRoot });
  return stdout;
}

function redisPing(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port: 6379 }, () =>
      socket.write('PING\r\n'),
    );
    socket.setTimeout(2000, () =>
      socket.destroy(new Error('redis did not answer PING within 2 s')),
    );
    socket.once('data', (data) => {
      resolve(data.toString().trim());
      socket.end();
    });
    socket.once('error', reject);
  });
}

describe('scripts/setup.sh', () => {
  it('is idempotent: a second run succeeds, reports every step as already done and rewrites nothing', async () => {
    await runSetup();
    const before = await installState();
    const second = await runSetup();

    const pinned = readRepoFile('.node-version').trim();
    for (const step of [
      `node v${pinned}: already installed`,
      'pnpm 12.4.2: already installed',
      'dependencies: already installed',
      'redis on 127.0.0.1:6379: already answering',
      'postgresql on 127.0.0.1:5432: already answering',
      "postgresql database 'test': already exists",
      'promtool: already installed',
      'kubectl: already installed',
    ]) {
      expect(second).toContain(`setup: ${step}`);
    }
    expect(second).not.toMatch(/: (installed|started|created)/);
    expect(await installState()).toBe(before);
  });

  it('leaves Redis and PostgreSQL answering on their standard local ports', async () => {
    expect(await redisPing()).toBe('+PONG');
    const { stdout } = await execFileAsync('psql', [
      '-h',
      '127.0.0.1',
      '-U',
      'postgres',
      '-d',
      'test',
      '-tAc',
      'select 42',
    ]);
    expect(stdout.trim()).toBe('42');
  });

  it('runs every later step on the Node pinned in .node-version, whatever the system node is', async () => {
    const pinned = readRepoFile('.node-version').trim();
    const { stdout } = await execFileAsync(
      'bash',
      [
        '-c',
        'source scripts/node-env.sh && node -p process.version && pnpm exec node -p process.version',
      ],
      { cwd: repoRoot },
    );
    expect(stdout.trim().split('\n')).toEqual([`v${pinned}`, `v${pinned}`]);
  });

  it('pins the pnpm it installs to packageManager', async () => {
    const { stdout } = await execFileAsync('pnpm', ['--version'], { cwd: repoRoot });
    const { packageManager } = JSON.parse(readRepoFile('package.json')) as {
      packageManager: string;
    };
    expect(`pnpm@${stdout.trim()}`).toBe(packageManager);
  });
});
