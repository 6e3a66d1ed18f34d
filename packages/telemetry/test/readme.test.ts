import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, spawnNode, OtlpReceiver } from '@shipshape/testkit';
import { describe, expect, it } from 'vitest';
import { TELEMETRY_DEFAULTS } from '../src/options.js';
import { childEnv, PACKAGE_DIR } from './helpers.js';

const run = promisify(execFile);
const readme = await readFile(join(PACKAGE_DIR, 'README.md'), 'utf8');
const app = await readFile(join(PACKAGE_DIR, 'test/fixtures/hello-app.mjs'), 'utf8');

/** The README's shell block: install, environment, start. */
function threeLines(): string[] {
  const block = /```sh\n(npm i [^`]*--import[^`]*)```/.exec(readme)?.[1] ?? '';
  return block.trimEnd().split('\n');
}

/** Runs the README's start line in `cwd` against a fresh receiver, sends one request, stops the app. */
async function traceHello(cwd: string): Promise<void> {
  const receiver = await OtlpReceiver.start();
  try {
    await traceHelloInto(cwd, receiver);
  } finally {
    await receiver.close();
  }
}

async function traceHelloInto(cwd: string, receiver: OtlpReceiver): Promise<void> {
  const [, exportLine, startLine] = threeLines();
  const env = Object.fromEntries(
    (exportLine ?? '')
      .replace(/^export /, '')
      .split(' ')
      .map((pair) => pair.split('=') as [string, string]),
  );
  const port = await freePort();
  const child = spawnNode((startLine ?? '').replace(/^node /, '').split(' '), {
    cwd,
    env: childEnv({
      ...env,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      PORT: String(port),
    }),
  });
  try {
    await expect
      .poll(
        () =>
          fetch(`http://127.0.0.1:${port}/hello/readme`).then(
            (r) => r.status,
            () => 0,
          ),
        {
          timeout: 20_000,
        },
      )
      .toBe(200);
  } finally {
    await child.stop('SIGTERM');
  }
  expect((await child.exited).code, child.stderr()).toBe(0);
  const server = receiver.spans().find((span) => span.name === 'GET /hello/:name');
  expect(server?.kind).toBe(2);
  const names = receiver
    .spans()
    .filter((span) => span.traceId === server?.traceId)
    .map((s) => s.name);
  expect(names).toContain('request handler');
}

describe('README', () => {
  it('shows the example app the tests run, and three lines to trace it', () => {
    expect(readme).toContain(`\`\`\`js\n${app}\`\`\``);
    expect(threeLines()).toHaveLength(3);
    expect(threeLines()[2]).toBe('node --import @shipshape/telemetry/register app.mjs');
  });

  it('documents the defaults the code uses', () => {
    expect(readme).toContain(`\`${JSON.stringify(TELEMETRY_DEFAULTS.untracedPaths)}\``);
  });

  it('traces the example app with its start line', async () => {
    const dir = await mkdtemp(join(PACKAGE_DIR, 'test/fixtures/readme-'));
    try {
      await writeFile(join(dir, 'app.mjs'), app);
      await traceHello(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('installs alone into a blank project, which it then traces', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'telemetry-blank-'));
    try {
      await run('pnpm', ['pack', '--pack-destination', dir], { cwd: PACKAGE_DIR });
      await writeFile(
        join(dir, 'package.json'),
        '{ "name": "blank", "private": true, "type": "module" }\n',
      );
      await writeFile(join(dir, 'app.mjs'), app);
      // The README's own install line, run as written (npm), with the packed tarball in place of
      // the published name.
      const [npm, install, ...names] = threeLines()[0]!.split(' ');
      expect([npm, install]).toEqual(['npm', 'i']);
      expect(names).toContain('@shipshape/telemetry');
      await run(
        'npm',
        [
          install!,
          '--prefer-offline',
          '--no-audit',
          '--no-fund',
          ...names.map((name) =>
            name === '@shipshape/telemetry' ? './shipshape-telemetry-0.0.0.tgz' : name,
          ),
        ],
        { cwd: dir },
      );
      await traceHello(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
