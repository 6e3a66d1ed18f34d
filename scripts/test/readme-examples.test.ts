// Every package as it is published: packed by `pnpm pack` in a fresh-clone-like copy of the
// repository where no package has a dist/ (so only its prepack script can build what the tarball
// holds, and the workspace packages it depends on), checked by publint and are-the-types-wrong; then
// docs that run: every TypeScript and JavaScript block of every package README, unchanged, against
// the tarball installed by npm into a blank ESM project, type-checked with module nodenext and run
// (servers until they listen, then stopped with the signal their marker names; see
// lib/readme-blocks.ts); and a blank CommonJS project that require()s the package and type-checks a
// use of it. On the pinned Node and on the oldest one `engines` allows.
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBlankProject,
  runCommonJsUse,
  runExample,
  type BlankProject,
} from './lib/blank-project.js';
import { publint } from 'publint';
import { limiter } from './lib/limiter.js';
import { formatMessage } from 'publint/utils';
import { execFileAsync, repoRoot } from './repo.js';
import {
  buildWithDependencies,
  catalog,
  cloneEnv,
  fetchNode,
  inCleanCopy,
  missingExportTargets,
  packFromCleanCopy,
  tarballFiles,
  supportedNodeVersions,
  workspacePackages,
  type NodeBuild,
} from './lib/packed.js';
import {
  installLineProblems,
  packageNameOf,
  parseMarker,
  readmeBlocks,
  type ReadmeBlock,
} from './lib/readme-blocks.js';

const packages = workspacePackages().map((pkg) => ({
  ...pkg,
  // A package without a README fails packages.test.ts; here it has no examples.
  blocks: existsSync(join(pkg.root, 'README.md'))
    ? readmeBlocks(readFileSync(join(pkg.root, 'README.md'), 'utf8'))
    : [],
}));
const versions = supportedNodeVersions();

let work: string;
const tarballs = new Map<string, Promise<string>>();
const nodes = new Map<string, Promise<NodeBuild>>();
/** Blank projects by `<node version>/<package dir>`, created a few at a time, pinned Node first. */
const projects = new Map<string, Promise<BlankProject>>();
/** are-the-types-wrong on each tarball, started as soon as it is packed. */
const typesChecks = new Map<string, Promise<{ code: number; output: string }>>();

const ATTW = join(
  dirname(
    createRequire(join(repoRoot, 'scripts', 'package.json')).resolve(
      '@arethetypeswrong/cli/package.json',
    ),
  ),
  'dist',
  'index.js',
);

/**
 * attw's node16 profile: `moduleResolution: node10` cannot see subpath exports, and these packages
 * are for Node >= 22 only. cjs-resolves-to-esm is ignored because attw's TypeScript predates
 * require(esm), which Node >= 22.12 and TypeScript's nodenext allow; the CommonJS projects below
 * prove that it works.
 */
async function areTheTypesWrong(tarball: string): Promise<{ code: number; output: string }> {
  const args = [
    '--profile',
    'node16',
    '--ignore-rules',
    'cjs-resolves-to-esm',
    '--format',
    'ascii',
  ];
  return execFileAsync(process.execPath, [ATTW, tarball, ...args], { timeout: 120_000 }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: unknown) => {
      const {
        code,
        stdout = '',
        stderr = '',
      } = error as { code?: unknown; stdout?: string; stderr?: string };
      return { code: typeof code === 'number' ? code : 1, output: stdout + stderr };
    },
  );
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'readme-examples-'));
  // Each pack copies the repository, installs it offline and builds through turbo.
  const packLimit = limiter(3);
  for (const pkg of packages)
    tarballs.set(
      pkg.dir,
      packLimit(() => packFromCleanCopy(pkg, join(work, 'tarballs'))),
    );
  for (const version of versions) nodes.set(version, fetchNode(version));
  const checkLimit = limiter(2);
  for (const pkg of packages) {
    const check = tarballs
      .get(pkg.dir)!
      .then((tarball) => checkLimit(() => areTheTypesWrong(tarball)));
    check.catch(() => undefined); // reported by the tests of that package
    typesChecks.set(pkg.dir, check);
  }
  const limit = limiter(4);
  for (const version of versions) {
    for (const pkg of packages) {
      const project = limit(async () =>
        createBlankProject({
          dir: join(work, version, pkg.dir),
          node: await nodes.get(version)!,
          pkg,
          tarball: await tarballs.get(pkg.dir)!,
          blocks: pkg.blocks,
          catalog: catalog(),
          siblings: await siblingTarballs(pkg.manifest.dependencies),
        }),
      );
      project.catch(() => undefined); // reported by the tests of that package
      projects.set(`${version}/${pkg.dir}`, project);
    }
  }
  await Promise.allSettled([...tarballs.values(), ...nodes.values()]);
}, 600_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The tarballs of the workspace packages among `dependencies`, by name. */
async function siblingTarballs(dependencies: Readonly<Record<string, string>> = {}) {
  const siblings: Record<string, string> = {};
  for (const pkg of packages) {
    if (pkg.name in dependencies) siblings[pkg.name] = await tarballs.get(pkg.dir)!;
  }
  return siblings;
}

/** Type errors, foreign imports and run failures of one block, as readable lines. */
async function problemsOf(project: BlankProject, block: ReadmeBlock): Promise<string[]> {
  const where = `packages/${project.pkg.dir}/README.md line ${block.line}`;
  const problems = block.imports
    .filter((specifier) => {
      const name = packageNameOf(specifier);
      return name.startsWith('@shipshape/') && name !== project.pkg.name;
    })
    .map(
      (specifier) =>
        `${where}: imports ${specifier}; a package's README must run with that package alone`,
    );
  for (const error of [
    ...(project.esmErrors.get('') ?? []),
    ...(project.esmErrors.get(block.file) ?? []),
  ]) {
    problems.push(`${where}: tsc (module nodenext): ${error}`);
  }
  if (block.marker.kind !== 'fragment') {
    const run = await runExample(project, block);
    if (run.problem !== undefined) {
      problems.push(
        `${where}: on Node ${project.node.version} ${run.problem}\n${run.output.trim()}`,
      );
    }
  }
  return problems;
}

describe.each(packages.map((pkg) => [pkg.dir, pkg] as const))(
  'the tarball of packages/%s',
  (_dir, pkg) => {
    it('is built by its prepack script (with its workspace dependencies) from a fresh clone without any dist/, and holds every file its manifest names', async () => {
      expect(pkg.manifest.scripts['prepack']).toBe(buildWithDependencies(pkg));
      // The documented one-package test command builds first too, except under turbo, whose test
      // task already depends on the build (turbo.json), so nothing is built twice.
      expect(pkg.manifest.scripts['pretest']).toBe(
        `test -n "$TURBO_HASH" || ${buildWithDependencies(pkg)}`,
      );
      const files = await tarballFiles(await tarballs.get(pkg.dir)!);
      expect(missingExportTargets(pkg.manifest, files)).toEqual([]);
      expect(files).toContain('dist/index.js');
    });

    it('has an install line that installs every package its runnable README examples import', () => {
      const readme = join(pkg.root, 'README.md');
      const problems = existsSync(readme)
        ? installLineProblems(pkg.name, readFileSync(readme, 'utf8'), pkg.blocks)
        : [];
      expect(problems.map((problem) => `packages/${pkg.dir}/README.md: ${problem}`)).toEqual([]);
    });

    it('passes publint --strict and are-the-types-wrong', async () => {
      const tarball = await tarballs.get(pkg.dir)!;
      const data = await readFile(tarball);
      const { messages, pkg: manifest } = await publint({
        pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) },
        strict: true,
      });
      expect(messages.map((message) => formatMessage(message, manifest) ?? message.code)).toEqual(
        [],
      );
      const attw = await typesChecks.get(pkg.dir)!;
      expect(attw.code, attw.output).toBe(0);
    });
  },
);

describe('the tarball check', () => {
  it('finds dist/ missing from a package packed without its prepack script', async () => {
    const shutdown = packages.find((pkg) => pkg.dir === 'shutdown')!;
    const tarball = await packFromCleanCopy(shutdown, join(work, 'without-prepack'), {
      prepack: null,
    });
    const missing = missingExportTargets(shutdown.manifest, await tarballFiles(tarball));
    expect(missing).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts']));
  });

  it('borrows no build from the working tree: a prepack that builds only the package itself fails', async () => {
    const health = packages.find((pkg) => pkg.dir === 'health')!;
    const failure = await packFromCleanCopy(health, join(work, 'own-build-only'), {
      prepack: 'pnpm run build',
    }).then(
      () => undefined,
      (error: unknown) => error as { stdout?: string; stderr?: string },
    );
    expect(failure, 'packed with a build of the package alone').toBeDefined();
    expect(`${failure?.stdout ?? ''}${failure?.stderr ?? ''}`).toMatch(
      /TS2307: Cannot find module '@shipshape\/contracts'/,
    );
  });
});

describe("a package's pretest script, in a fresh clone", () => {
  it('builds the package and its workspace dependencies, rebuilds after an edit, and does nothing under turbo', async () => {
    const shutdown = packages.find((pkg) => pkg.dir === 'shutdown')!;
    await inCleanCopy(shutdown, async (copy) => {
      const contracts = join(copy, '..', 'contracts');
      const pretest = (env: Record<string, string> = {}) =>
        execFileAsync('pnpm', ['run', 'pretest'], {
          cwd: copy,
          env: cloneEnv(env),
          timeout: 240_000,
        }).then(({ stdout, stderr }) => stdout + stderr);
      await pretest();
      expect(existsSync(join(copy, 'dist', 'index.js'))).toBe(true);
      expect(existsSync(join(contracts, 'dist', 'index.js'))).toBe(true);

      // An edit to a dependency's src/ reaches its dist/ before the tests run: never a stale build.
      await appendFile(join(contracts, 'src', 'index.ts'), 'export const EDITED = 1;\n');
      await pretest();
      expect(await readFile(join(contracts, 'dist', 'index.js'), 'utf8')).toContain('EDITED');

      // Under turbo (which sets TURBO_HASH in every task) the test task's own dependsOn built it.
      await appendFile(join(contracts, 'src', 'index.ts'), 'export const UNDER_TURBO = 1;\n');
      const output = await pretest({ TURBO_HASH: 'outer-task' });
      expect(output).not.toContain('Tasks:');
      expect(await readFile(join(contracts, 'dist', 'index.js'), 'utf8')).not.toContain(
        'UNDER_TURBO',
      );
    });
  });
});

describe.each(versions)('on Node %s', (version) => {
  beforeAll(async () => {
    await Promise.allSettled(packages.map((pkg) => projects.get(`${version}/${pkg.dir}`)!));
  }, 600_000);

  describe.each(packages.map((pkg) => [pkg.dir, pkg] as const))('packages/%s', (_dir, pkg) => {
    it.each(pkg.blocks.map((block) => [block.line, block.marker.kind, block] as const))(
      'README block at line %i (%s) type-checks and runs as written, from the packed tarball',
      async (_line, _kind, block) => {
        const project = await projects.get(`${version}/${pkg.dir}`)!;
        expect(await problemsOf(project, block)).toEqual([]);
      },
    );

    it('loads with require() in a blank CommonJS project, which type-checks a use of it', async () => {
      const project = await projects.get(`${version}/${pkg.dir}`)!;
      expect(project.cjsErrors, 'tsc (module nodenext) on cjs/use.cts').toEqual([]);
      const run = await runCommonJsUse(project);
      expect(run.problem, run.output).toBeUndefined();
      // require() sees the same names as import, for every entry point.
      expect(run.names).toEqual(project.esmExports);
      expect(Object.keys(project.esmExports)[0]).toBe(pkg.name);
    });
  });
});

describe('the README harness', () => {
  const shutdown = packages.find((pkg) => pkg.dir === 'shutdown')!;
  const broken = `
<!-- example: fragment -->

\`\`\`ts
import { createShutdown } from '@shipshape/shutdown';
createShutdwn({ logger: console });
\`\`\`

\`\`\`js
import { createShutdown } from '@shipshape/shutdown';
createShutdown({ timeoutMs: 1000, drainDelayMs: 5000 }); // throws: the delay exceeds the deadline
\`\`\`

<!-- example: server, then SIGTERM -->

\`\`\`js
import http from 'node:http';
http.createServer().listen(0);
process.on('SIGTERM', () => console.log('ignored'));
\`\`\`

\`\`\`js
import http from 'node:http';
http.createServer().listen(0); // a server not marked as one
\`\`\`

<!-- example: server, then SIGTERM -->

\`\`\`js
console.log('never listens');
\`\`\`
`;
  // The package's own example, drifted from the code: a method that does not exist.
  const drifted = readFileSync(join(shutdown.root, 'README.md'), 'utf8').replace(
    "shutdown.addHttpServer('http', server)",
    "shutdown.addServer('http', server)",
  );
  const quick = { runMs: 3000, listenMs: 5000, exitAfterSignalMs: 3000 };
  let project: BlankProject;

  beforeAll(async () => {
    const blocks = [...readmeBlocks(broken), ...readmeBlocks(drifted).slice(0, 1)];
    project = await createBlankProject({
      dir: join(work, 'harness', 'shutdown'),
      node: await nodes.get(versions[0])!,
      pkg: shutdown,
      tarball: await tarballs.get('shutdown')!,
      blocks,
      catalog: catalog(),
      siblings: await siblingTarballs(shutdown.manifest.dependencies),
    });
  }, 600_000);

  it('fails an install line that leaves out a package a runnable example imports', () => {
    const readme = (install: string) => `# x

## Install

\`\`\`sh
${install}
\`\`\`

## Example

<!-- example: server, then SIGTERM -->

\`\`\`ts
import express from 'express';
import knex from 'knex';
import { createShutdown } from '@shipshape/shutdown';
const db = knex({ client: 'pg', connection: process.env.DATABASE_URL });
\`\`\`

<!-- example: fragment -->

\`\`\`ts
import { it } from 'vitest';
\`\`\`
`;
    expect(installLineProblems('@shipshape/shutdown', readme('npm i @shipshape/shutdown'))).toEqual(
      [
        'the example at line 13 needs express, which the install line (@shipshape/shutdown) does not install',
        'the example at line 13 needs knex, which the install line (@shipshape/shutdown) does not install',
        'the example at line 13 needs pg, which the install line (@shipshape/shutdown) does not install',
      ],
    );
    expect(
      installLineProblems(
        '@shipshape/shutdown',
        readme(
          'npm i @shipshape/shutdown knex@^3 pg\nnpm install --save express # for the example',
        ),
      ),
    ).toEqual([]);
    expect(installLineProblems('@shipshape/shutdown', '# x\n\nno install section')).toEqual([
      'has no `npm i @shipshape/shutdown` line in a shell block under "## Install"',
    ]);
  });

  it('rejects a marker it does not know', () => {
    expect(() => parseMarker('servr, then SIGTERM')).toThrow(/unknown example marker/);
    expect(() => parseMarker('server; reddy: http://x')).toThrow(/unknown clause/);
    expect(parseMarker('server, then SIGINT; env: A=1 B=x=y')).toEqual({
      kind: 'server',
      signal: 'SIGINT',
      ready: undefined,
      env: { A: '1', B: 'x=y' },
    });
  });

  it('fails a fragment that does not type-check', () => {
    const [fragment] = project.blocks;
    expect(project.esmErrors.get(fragment!.file)?.join('\n')).toMatch(
      /TS2552: Cannot find name 'createShutdwn'/,
    );
  });

  it('fails an example that throws', async () => {
    const run = await runExample(project, project.blocks[1]!, quick);
    expect(run.problem).toBe('exited with code 1');
    expect(run.output).toContain('SHUTDOWN_CONFIG_INVALID');
  });

  it('fails a server example that does not exit after the signal, and one that never listens', async () => {
    const ignores = await runExample(project, project.blocks[2]!, quick);
    expect(ignores.problem).toBe('still running 3000 ms after SIGTERM');
    expect(ignores.output).toContain('ignored');
    const never = await runExample(project, project.blocks[4]!, quick);
    expect(never.problem).toBe('exited (code 0) before it listened');
  });

  it('fails an unmarked example that never ends', async () => {
    const run = await runExample(project, project.blocks[3]!, quick);
    expect(run.problem).toMatch(/^still running after 3000 ms/);
  });

  it('fails a README example that drifted from the code, in the type-check and in the run', async () => {
    const example = project.blocks[5]!;
    expect(example.code).toContain('shutdown.addServer(');
    expect(project.esmErrors.get(example.file)?.join('\n')).toMatch(
      /TS2\d{3}: Property 'addServer' does not exist on type 'Shutdown'/,
    );
    const run = await runExample(project, example, quick);
    expect(run.problem).toMatch(/^exited \(code 1\) before it listened/);
    expect(run.output).toContain('shutdown.addServer is not a function');
  });
});
