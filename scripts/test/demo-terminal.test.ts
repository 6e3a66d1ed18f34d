import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, redisKeys } from './lib/shell-blocks-demo.js';
import { repoRoot } from './repo.js';

const dataDir = mkdtempSync(join(tmpdir(), 'shipshape-demo-terminal-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The environment a terminal gives the demo: no vitest NODE_ENV, its own ports, file and queue. */
async function demoEnv(extra: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  const { NODE_ENV: _testEnv, NO_COLOR: _noColor, FORCE_COLOR: _force, ...env } = process.env;
  return {
    ...env,
    SERVER_PORT: String(await freePort()),
    API_ADMIN_PORT: String(await freePort()),
    WORKER_ADMIN_PORT: String(await freePort()),
    DATABASE_FILE: join(dataDir, `demo-${Date.now()}.sqlite`),
    QUEUE_PREFIX: `demo-terminal-${process.pid}-${Date.now()}`,
    ...extra,
  };
}

/**
 * A command in a real pseudo-terminal (util-linux `script`): the apps see a TTY, as in a user's
 * terminal. Once the demo is up, Ctrl-C is typed into the terminal (the line discipline turns it
 * into SIGINT for the foreground group). Resolves with everything the terminal showed.
 *
 * `script` runs the command through `$SHELL -c`; `exec` takes that shell out of the way, as a
 * user's interactive shell is (it runs the command as its own foreground job). Without it a
 * dash `sh` stays in the group and dies of the SIGINT: exit 130 whatever the demo did.
 */
async function demoInTerminal(
  command: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; screen: string }> {
  const terminal = spawn('script', ['-qfec', `exec ${command}`, '/dev/null'], {
    cwd: repoRoot,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  terminal.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
  terminal.stderr.on('data', (chunk: Buffer) => (screen += chunk.toString()));
  const exited = once(terminal, 'exit') as Promise<[number | null]>;
  const upBy = Date.now() + 180_000;
  while (!screen.includes('shipshape demo is up')) {
    if (terminal.exitCode !== null) throw new Error(`the demo ended before it was up:\n${screen}`);
    if (Date.now() > upBy) {
      terminal.kill('SIGKILL');
      throw new Error(`the demo was not up within 180 s:\n${screen}`);
    }
    await sleep(200);
  }
  await sleep(500); // a few lines after "up", so both apps have written in the terminal
  terminal.stdin.write('\u0003');
  const [code] = await exited;
  expect(await redisKeys(env.QUEUE_PREFIX ?? '')).toEqual([]);
  return { code, screen };
}

/** The escape character that starts every ANSI colour or cursor code. */
const ESC = String.fromCharCode(27);
const colourCode = new RegExp(`${ESC}\\[[0-9;]*m`);

/** Lines the apps wrote (a pretty line starts with the time of day, perhaps coloured). */
const appLines = (screen: string): string[] =>
  screen
    .split(/\r?\n/)
    .filter((line) =>
      /^\d\d:\d\d:\d\d\.\d{3} /.test(line.replace(new RegExp(colourCode, 'g'), '')),
    );

describe('the demo in a terminal', () => {
  // The script itself: npm's own progress spinner writes cursor codes whatever NO_COLOR says.
  it('NO_COLOR=1 prints no escape codes; every app line says which app wrote it', async () => {
    const { code, screen } = await demoInTerminal(
      'bash scripts/demo.sh',
      await demoEnv({ NO_COLOR: '1', SHELL: '/bin/sh' }),
    );
    expect(code).toBe(0);
    expect(screen).not.toContain(ESC);
    const lines = appLines(screen);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line).toMatch(/ \[(api|api-migrate|worker)\] /);
    expect(lines.some((line) => line.includes('[api]'))).toBe(true);
    expect(lines.some((line) => line.includes('[worker]'))).toBe(true);
  }, 240_000);

  // The README's command, as typed: npm and the shell of its script are in the group Ctrl-C hits.
  it('`npm run demo` without NO_COLOR shows colours (the check above can fail) and Ctrl-C ends it with 0', async () => {
    const { code, screen } = await demoInTerminal(
      'npm run demo',
      await demoEnv({ SHELL: '/bin/sh' }),
    );
    expect(code).toBe(0);
    expect(screen).toMatch(colourCode);
  }, 240_000);

  it('a port already in use ends the demo with one clear last line naming the port and the variable', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    const busy = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const demo = spawn('bash', ['scripts/demo.sh'], {
        cwd: repoRoot,
        env: await demoEnv({ SERVER_PORT: String(busy) }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const [code] = (await once(demo, 'exit')) as [number | null];
      expect(code).toBe(1);
      const lines = output.split('\n').filter((line) => line.trim() !== '');
      expect(lines.at(-1)).toBe(
        `demo: 127.0.0.1:${busy} is already in use; set SERVER_PORT to a free port (e.g. SERVER_PORT=${busy + 100} npm run demo)`,
      );
      expect(output).not.toMatch(/\[(api|worker)\]/); // nothing was started
    } finally {
      holder.close();
    }
  }, 240_000);
});
