import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  failedRuns,
  runShellBlock,
  shellBlocks,
  type ShellBlock,
  type ShellRun,
} from './lib/shell-blocks.js';
import { startDemo } from './lib/shell-blocks-demo.js';
import { readRepoFile, repoRoot } from './repo.js';

/** The documents whose shell blocks a reader copies into a terminal. */
const DOCS = ['README.md', 'CONTRIBUTING.md', 'deploy/README.md'] as const;
const BLOCK_TIMEOUT_MS = 60_000;

const scratch = mkdtempSync(join(tmpdir(), 'shipshape-shell-blocks-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function blocksOf(doc: string): ShellBlock[] {
  return shellBlocks(readRepoFile(doc), doc);
}

/** Runs every block of `blocks` not marked `not run`, in order, and returns the runs. */
async function runAll(
  blocks: readonly ShellBlock[],
  options: Omit<Parameters<typeof runShellBlock>[1], 'cwd' | 'timeoutMs'> = {},
): Promise<ShellRun[]> {
  const runs: ShellRun[] = [];
  for (const block of blocks.filter((b) => b.marker.kind !== 'not-run'))
    runs.push(
      await runShellBlock(block, { cwd: repoRoot, timeoutMs: BLOCK_TIMEOUT_MS, ...options }),
    );
  return runs;
}

/** Every block not marked `not run` ran (one run each, in order) and exited 0 by itself. */
function expectAllRan(blocks: readonly ShellBlock[], runs: readonly ShellRun[]): void {
  expect(runs.map((r) => r.block.line)).toEqual(
    blocks.filter((b) => b.marker.kind !== 'not-run').map((b) => b.line),
  );
  expect(failedRuns(runs)).toEqual([]);
}

describe('the shell blocks of the root README, CONTRIBUTING.md and deploy/README.md', () => {
  it('are all either run here or marked `<!-- not run: why -->` with a reason', () => {
    for (const doc of DOCS) {
      const blocks = blocksOf(doc);
      expect(blocks.length, doc).toBeGreaterThan(0);
      for (const block of blocks) {
        if (block.marker.kind === 'not-run')
          expect(block.marker.reason.length, `${doc}:${block.line}`).toBeGreaterThan(10);
      }
    }
    // What cannot run here says so: the images and compose need a Docker engine.
    const deployNotRun = blocksOf('deploy/README.md').filter((b) => b.marker.kind === 'not-run');
    expect(deployNotRun.filter((b) => b.code.includes('docker ')).length).toBeGreaterThanOrEqual(3);
  });

  it('README.md: the five-minute tour runs unchanged against a real `npm run demo` (ports moved)', async () => {
    const blocks = blocksOf('README.md');
    const tour = blocks.find((b) => b.section === 'Five minutes with the demo');
    expect(tour?.marker.kind).toBe('demo');
    const queuePrefix = `shell-blocks-${process.pid}-${Date.now()}`;
    const demo = await startDemo({
      repoRoot,
      databaseFile: join(scratch, 'demo.sqlite'),
      queuePrefix,
    });
    let runs: ShellRun[];
    try {
      runs = await runAll(blocks, { demoPorts: demo.ports });
    } finally {
      await demo.interrupt();
    }
    expectAllRan(blocks, runs);
    const run = runs.find((r) => r.block === tour);
    // Only the ports moved, to the demo's free ones: nothing was left on the defaults.
    expect(run?.script).not.toMatch(/127\.0\.0\.1:(3000|9464|9465)\b/);
    expect(run?.script.replace(/127\.0\.0\.1:\d+/g, '')).toBe(
      tour?.code.replace(/127\.0\.0\.1:\d+/g, ''),
    );
    const output = run?.output ?? '';
    // What each step's comment promises, in order of the steps.
    expect(output).toContain('"status":"pending"'); // 1
    expect(output).toContain('"status":"confirmed"'); // 2
    expect(output).toMatch(/^HTTP\/1\.1 201 Created/m); // 3
    expect(output).toMatch(/^Idempotent-Replayed: true/im);
    expect(output).toMatch(/"database:responseTime":\[\{[^}]*"status":"pass"/); // 4, verbose
    expect(output).toMatch(/"redis:responseTime"/);
    expect(output).toMatch(/^http_server_request_duration_seconds_count\{/m);
    expect(output).toContain('"service":"worker"');
    expect(output, 'the tour talked to this demo').toContain(`"${queuePrefix}"`);
    expect(output).toContain('"level":"debug"'); // 5
    expect(demo.output()).toMatch(/\[worker\] log level changed .*new_level=debug/);
    const { code } = await demo.interrupt();
    expect(code, demo.output()).toBe(0);
  });

  it('CONTRIBUTING.md: every unmarked block runs and exits 0', async () => {
    const blocks = blocksOf('CONTRIBUTING.md');
    expectAllRan(blocks, await runAll(blocks));
  });

  it('deploy/README.md: every unmarked block runs and exits 0 (what runs without Docker)', async () => {
    const blocks = blocksOf('deploy/README.md');
    const withoutDocker = blocks.filter((b) => b.section === 'Without Docker');
    expect(withoutDocker.filter((b) => b.marker.kind === 'run')).not.toHaveLength(0);
    const runs = await runAll(blocks);
    expectAllRan(blocks, runs);
    const output = runs.map((r) => r.output).join('\n');
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
    expect(output).toContain('docker/prometheus/prometheus.yml is valid prometheus config file');
  });

  it('a broken block fails the runner: a failing command, even one followed by others, a timeout', async () => {
    const markdown = [
      '# A README gone wrong',
      '```sh',
      'echo fine',
      '```',
      '',
      '```sh',
      'curl -sf http://127.0.0.1:9/ # nothing listens on port 9',
      'echo "still here"',
      '```',
      '',
      '<!-- not run: needs a Docker engine -->',
      '',
      '```bash',
      'docker compose up',
      '```',
      '',
      '```bash',
      'sleep 30',
      '```',
    ].join('\n');
    const blocks = shellBlocks(markdown, 'broken.md');
    expect(blocks.map((b) => [b.line, b.marker.kind])).toEqual([
      [2, 'run'],
      [6, 'run'],
      [13, 'not-run'],
      [17, 'run'],
    ]);
    const runs: ShellRun[] = [];
    for (const block of blocks.filter((b) => b.marker.kind !== 'not-run'))
      runs.push(await runShellBlock(block, { cwd: scratch, timeoutMs: 2_000 }));
    const failures = failedRuns(runs);
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatch(/^broken\.md:6 \(A README gone wrong\) exited 7:/);
    expect(failures[0]).not.toContain('still here');
    expect(failures[1]).toMatch(/^broken\.md:17 .* timed out/);
    expect(() => expectAllRan(blocks, runs)).toThrow();

    // A marker that is neither form, or a reason left out, is a mistake, not an unmarked block.
    expect(() => shellBlocks('<!-- not run -->\n```sh\ntrue\n```\n', 'm.md')).toThrow(/m\.md:2/);
    expect(() => shellBlocks('<!-- run: later -->\n```sh\ntrue\n```\n', 'm.md')).toThrow(
      /unknown shell block marker/,
    );
    // A demo block cannot run without a demo.
    const [demoBlock] = shellBlocks('<!-- run: against the demo -->\n```sh\ntrue\n```\n', 'd.md');
    if (demoBlock === undefined) throw new Error('no block parsed');
    await expect(runShellBlock(demoBlock, { cwd: scratch, timeoutMs: 1_000 })).rejects.toThrow(
      /start it first/,
    );
  });
});
