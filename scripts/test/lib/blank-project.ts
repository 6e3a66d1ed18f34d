import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileAsync, repoRoot } from '../repo.js';
import type { NodeBuild, WorkspacePackage } from './packed.js';
import { knexDrivers, packageNameOf, type ReadmeBlock } from './readme-blocks.js';

/** The real services README examples may use (the project's own, started by scripts/setup.sh). */
export const EXAMPLE_SERVICES = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  REDIS_URL: 'redis://127.0.0.1:6379',
} as const;

export const EXAMPLE_TIMEOUTS = {
  /** A plain example must exit by itself within this. */
  runMs: 20_000,
  /** A server example must listen (and answer its ready URL) within this. */
  listenMs: 30_000,
  /** …and exit after the signal within this. */
  exitAfterSignalMs: 15_000,
} as const;

const TSC = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * A use of each package from CommonJS (`pkg` is the root entry point, loaded with require()),
 * type-checked and run. Every package needs one (commonJsUseOf throws for a package without).
 */
const COMMONJS_USE: Readonly<Record<string, string>> = {
  health: `const health = pkg.createHealth();
health.markStarted();
void health.run('liveness').then((body) => {
  if (body.status !== 'pass') throw new Error(\`liveness is \${body.status}\`);
});`,
  shutdown: `const shutdown = pkg.createShutdown({ signals: [], handleUncaught: false, exit: () => undefined });
shutdown.add('nothing', () => undefined);
shutdown.dispose();`,
  metrics: `const metrics = pkg.createMetrics({ service: 'cjs', defaultMetrics: false });
void metrics.scrape().then((text) => {
  if (!text.includes('build_info')) throw new Error(text);
  metrics.stop();
});`,
  logger: `const logger = pkg.createLogger({ service: 'cjs' });
logger.info('loaded with require()');
void logger.flush();`,
  config: `const schema = pkg.defineSchema({ port: { doc: 'Port.', format: 'port', default: 3000 } });
const port: number = pkg.loadConfig(schema, { env: {}, argv: [] }).port;
if (port !== 3000) throw new Error(String(port));`,
  telemetry: `if (pkg.isTelemetryError(new Error('not one'))) throw new Error('isTelemetryError');`,
  contracts: `const masked: string = pkg.maskSecrets('postgres://app:s3cret@db:5432/orders?access_token=abc');
if (masked !== \`postgres://app:\${pkg.REDACTED}@db:5432/orders?access_token=\${pkg.REDACTED}\`) throw new Error(masked);
if (!pkg.isSecretKey('apiKey') || pkg.isSecretKey('port')) throw new Error('isSecretKey');
const otp: (key: string) => boolean = pkg.secretKeyMatcher(['otp']);
if (!otp('otp')) throw new Error('secretKeyMatcher');`,
};

export interface BlankProjectOptions {
  /** An empty folder to create the project in. */
  readonly dir: string;
  readonly node: NodeBuild;
  readonly pkg: WorkspacePackage;
  readonly tarball: string;
  readonly blocks: readonly ReadmeBlock[];
  /** The repository's pnpm catalog (versions of shared dependencies). */
  readonly catalog: Readonly<Record<string, string>>;
  /** Tarballs of the other workspace packages, by name, for a package that depends on one. */
  readonly siblings?: Readonly<Record<string, string>>;
}

export interface BlankProject extends BlankProjectOptions {
  /** What npm installed besides the tarball (`name@range`). */
  readonly installed: readonly string[];
  /** Imports of other shipshape packages: a package's README must run with that package alone. */
  readonly foreignImports: readonly string[];
  /** `tsc` errors of the ESM project, by file. */
  readonly esmErrors: ReadonlyMap<string, readonly string[]>;
  /** Runtime export names of each entry point, as `import()` sees them. */
  readonly esmExports: Readonly<Record<string, readonly string[]>>;
  /** `tsc` errors of the CommonJS project. */
  readonly cjsErrors: readonly string[];
}

/** Environment for npm and the examples: this Node first on PATH, none of pnpm's npm_* settings. */
export function childEnv(node: NodeBuild, extra: Readonly<Record<string, string>> = {}) {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_|^NODE_OPTIONS$|^VITEST|^TURBO_/i.test(key)) env[key] = value;
  }
  return {
    ...env,
    PATH: `${join(node.dir, 'bin')}:${process.env['PATH'] ?? ''}`,
    npm_config_nodedir: node.dir,
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

function typesPackageOf(name: string): string {
  return `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
}

/** Whether the repository's own copy of `name` ships types; undefined when it has none. */
function shipsTypesInRepo(pkg: WorkspacePackage, name: string): boolean | undefined {
  for (const from of [join(pkg.root, 'package.json'), join(repoRoot, 'package.json')]) {
    try {
      const manifest = createRequire(from).resolve(`${name}/package.json`);
      return shipsTypes(dirname(manifest));
    } catch {
      // not installed there, or its exports hide package.json
    }
  }
  return undefined;
}

/** Whether the package installed in `root` has its own declarations. */
function shipsTypes(root: string): boolean {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    types?: string;
    typings?: string;
    exports?: unknown;
  };
  if (manifest.types !== undefined || manifest.typings !== undefined) return true;
  if (JSON.stringify(manifest.exports ?? null).includes('"types"')) return true;
  return existsSync(join(root, 'index.d.ts'));
}

/** The packages the README's examples import (and knex's drivers), with the ranges the repo uses. */
function exampleDependencies(options: BlankProjectOptions): {
  specs: string[];
  foreign: string[];
} {
  const { pkg, blocks, catalog } = options;
  const names = new Set<string>();
  const foreign = new Set<string>();
  for (const block of blocks) {
    for (const specifier of block.imports) {
      const name = packageNameOf(specifier);
      if (name === pkg.name) continue;
      if (name.startsWith('@shipshape/')) foreign.add(`line ${block.line}: ${specifier}`);
      else names.add(name);
    }
    for (const driver of knexDrivers(block)) names.add(driver);
  }
  const rangeOf = (name: string): string | undefined => {
    const own = pkg.manifest.peerDependencies?.[name] ?? pkg.manifest.devDependencies?.[name];
    if (own !== undefined && !own.startsWith('catalog:') && !own.startsWith('workspace:'))
      return own;
    return catalog[name];
  };
  return {
    specs: [...names].map((name) => {
      const range = rangeOf(name);
      return range === undefined ? name : `${name}@${range}`;
    }),
    foreign: [...foreign],
  };
}

async function npmInstall(dir: string, node: NodeBuild, specs: readonly string[]): Promise<void> {
  try {
    await execFileAsync(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...specs],
      { cwd: dir, env: childEnv(node), timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const { stderr = '', message } = error as { stderr?: string; message: string };
    throw new Error(`npm install ${specs.join(' ')} failed in ${dir}:\n${stderr || message}`, {
      cause: error,
    });
  }
}

/** `file(line,col): error TSxxxx: …` lines of a tsc run, grouped by file (relative to `cwd`). */
async function typecheck(cwd: string, node: NodeBuild): Promise<Map<string, string[]>> {
  let output: string;
  try {
    const result = await execFileAsync(
      node.bin,
      [TSC, '-p', 'tsconfig.json', '--pretty', 'false'],
      {
        cwd,
        timeout: 180_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    output = result.stdout;
  } catch (error) {
    const { stdout, message } = error as { stdout?: string; message: string };
    if (stdout === undefined || stdout === '') throw error;
    output = stdout || message;
  }
  const errors = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of output.split('\n')) {
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(line);
    if (match !== null) {
      const list = errors.get(match[1]!) ?? [];
      list.push(`${match[1]!}:${match[2]!}:${match[3]!} ${match[4]!}`);
      errors.set(match[1]!, list);
      last = list;
    } else if (line.startsWith(' ') && last !== undefined && last.length > 0) {
      last.push(`${last.pop()!}\n${line}`);
    } else if (line.trim() !== '') {
      const list = errors.get('') ?? [];
      list.push(line);
      errors.set('', list);
      last = list;
    }
  }
  return errors;
}

/**
 * Preloads for `node --import`, for ESM and CommonJS apps alike: they await the SDK's start before
 * the app's first module loads (top-level await), so `import()`/`require()` from app code is not
 * how they are used, and `require()` of them is refused by Node by design (ERR_REQUIRE_ASYNC_MODULE).
 */
const IMPORT_ONLY_ENTRIES = new Set(['@shipshape/telemetry/register']);

/** Entry points with code: `@shipshape/health`, `@shipshape/health/checks`, … */
function entryPoints(pkg: WorkspacePackage): string[] {
  return Object.entries(pkg.manifest.exports)
    .filter(([, target]) => typeof target === 'object' && target !== null)
    .map(([subpath]) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`))
    .filter((entry) => !IMPORT_ONLY_ENTRIES.has(entry));
}

async function esmExportsOf(dir: string, node: NodeBuild, entries: readonly string[]) {
  const script = `const out = {};
for (const entry of ${JSON.stringify(entries)}) out[entry] = Object.keys(await import(entry)).sort();
console.log(JSON.stringify(out));`;
  const { stdout } = await execFileAsync(node.bin, ['--input-type=module', '-e', script], {
    cwd: dir,
    env: childEnv(node),
    timeout: 60_000,
  });
  return JSON.parse(stdout) as Record<string, string[]>;
}

function commonJsUseOf(pkg: WorkspacePackage): string {
  const use = COMMONJS_USE[pkg.dir];
  if (use === undefined) {
    throw new Error(
      `scripts/test/lib/blank-project.ts has no COMMONJS_USE entry for packages/${pkg.dir}: write a use of its root entry point (type-checked and run from CommonJS)`,
    );
  }
  return use;
}

/** The CommonJS side: `cjs/use.cts` requires every entry point and uses the root one. */
function commonJsUse(
  pkg: WorkspacePackage,
  exportsByEntry: Readonly<Record<string, readonly string[]>>,
) {
  const entries = Object.keys(exportsByEntry);
  const lines = [
    '// A blank CommonJS project: the package is loaded with require() and used.',
    ...entries.map((entry, i) => `import ${i === 0 ? 'pkg' : `entry${i}`} = require('${entry}');`),
    '',
    '// Every name an entry point exports at run time is declared in its types.',
    ...entries.map(
      (entry, i) =>
        `const names${i}: readonly (keyof typeof ${i === 0 ? 'pkg' : `entry${i}`})[] = ${JSON.stringify(exportsByEntry[entry])};`,
    ),
    '',
    commonJsUseOf(pkg),
    '',
    `console.log(JSON.stringify({ ${entries
      .map((entry, i) => `'${entry}': Object.keys(${i === 0 ? 'pkg' : `entry${i}`}).sort()`)
      .join(', ')} }));`,
    `void [${entries.map((_, i) => `names${i}`).join(', ')}];`,
    '',
  ];
  return lines.join('\n');
}

const COMPILER_OPTIONS = {
  module: 'nodenext',
  target: 'es2022',
  lib: ['es2023'],
  strict: true,
  skipLibCheck: true,
  types: ['node'],
  moduleDetection: 'force',
  outDir: 'out',
  rootDir: '.',
};

/** The CommonJS project's one file (its folder's package.json says "type": "commonjs"). */
const CJS_USE = join('cjs', 'use.cts');

/**
 * A blank ESM project with the packed package and what its README's examples import, installed by
 * npm; every example written to its own file; a CommonJS project in `cjs/` beside it (sharing its
 * node_modules); both type-checked with module nodenext by the repository's TypeScript and compiled
 * to `out/`, ready to run.
 */
export async function createBlankProject(options: BlankProjectOptions): Promise<BlankProject> {
  const { dir, node, pkg, tarball, blocks } = options;
  await mkdir(join(dir, 'cjs'), { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    '{ "name": "blank-esm", "private": true, "type": "module" }\n',
  );
  await writeFile(
    join(dir, 'cjs', 'package.json'),
    '{ "name": "blank-cjs", "private": true, "type": "commonjs" }\n',
  );
  const { specs, foreign } = exampleDependencies(options);
  const nodeTypes = `@types/node@^${node.version.split('.')[0]!}`;
  // A shipshape package this one depends on is not in the registry: its own tarball stands in.
  const siblings = Object.keys(pkg.manifest.dependencies ?? {})
    .filter((name) => name.startsWith('@shipshape/'))
    .map((name) => {
      const sibling = options.siblings?.[name];
      if (sibling === undefined)
        throw new Error(`${pkg.name} depends on ${name}, which was not packed`);
      return sibling;
    });
  // @types packages are known before the install when the repository has the library itself.
  const names = specs.map((spec) => spec.replace(/(?<=.)@[^@]*$/, ''));
  const typesFor = (name: string) => {
    const types = typesPackageOf(name);
    const range = options.catalog[types];
    return range === undefined ? types : `${types}@${range}`;
  };
  const known = names.filter((name) => shipsTypesInRepo(pkg, name) === false).map(typesFor);
  await npmInstall(dir, node, [tarball, ...siblings, ...specs, nodeTypes, ...known]);
  const untyped = names
    .filter(
      (name) =>
        shipsTypesInRepo(pkg, name) === undefined && !shipsTypes(join(dir, 'node_modules', name)),
    )
    .map(typesFor);
  if (untyped.length > 0) await npmInstall(dir, node, untyped);

  for (const block of blocks) {
    await mkdir(dirname(join(dir, block.file)), { recursive: true });
    await writeFile(join(dir, block.file), block.code);
  }
  const esmExports = await esmExportsOf(dir, node, entryPoints(pkg));
  await writeFile(join(dir, CJS_USE), commonJsUse(pkg, esmExports));
  // One program for both sides: each file's module format follows its nearest package.json
  // (and .cts is always CommonJS), as Node decides it.
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: { ...COMPILER_OPTIONS, allowJs: true, checkJs: true },
        files: [...blocks.map((block) => block.file), CJS_USE],
      },
      null,
      2,
    ),
  );
  const errors = await typecheck(dir, node);
  const cjsErrors = errors.get(CJS_USE) ?? [];
  errors.delete(CJS_USE);
  return {
    ...options,
    installed: [...specs, nodeTypes, ...known, ...untyped],
    foreignImports: foreign,
    esmErrors: errors,
    esmExports,
    cjsErrors,
  };
}

/** Where tsc put a block's JavaScript. */
export function compiledPath(file: string): string {
  return join('out', file.replace(/\.ts$/, '.js').replace(/\.mts$/, '.mjs'));
}

/** TCP ports the process `pid` listens on (Linux: its socket inodes matched in /proc/net/tcp*). */
export function listeningPorts(pid: number): Set<number> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return new Set();
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match !== null) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      // st 0A is LISTEN; column 9 is the inode.
      if (cols[3] === '0A' && inodes.has(cols[9] ?? '')) {
        ports.add(Number.parseInt(cols[1]!.split(':').pop()!, 16));
      }
    }
  }
  return ports;
}

export interface ExampleRun {
  /** Why the example failed; undefined when it did what its marker says. */
  readonly problem: string | undefined;
  readonly output: string;
}

interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  hasExited(): boolean;
}

function start(project: BlankProject, file: string, env: Record<string, string>): Child {
  const child = spawn(project.node.bin, [file], {
    cwd: project.dir,
    env: childEnv(project.node, { ...EXAMPLE_SERVICES, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let done = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  return { process: child, exited, output: () => output, hasExited: () => done };
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise, sleep(ms, 'timeout' as const, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}

/** Whether something on this machine accepts TCP connections on `port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  return exit.signal === null ? `code ${String(exit.code)}` : `signal ${exit.signal}`;
}

/** Runs one compiled README block the way its marker says. */
export async function runExample(
  project: BlankProject,
  block: ReadmeBlock,
  timeouts: Readonly<Record<keyof typeof EXAMPLE_TIMEOUTS, number>> = EXAMPLE_TIMEOUTS,
): Promise<ExampleRun> {
  // Literal ports only; 0 asks for any free port.
  const ports = [...block.code.matchAll(/\.listen\(\s*(\d+)\s*[,)]/g)]
    .map((m) => Number(m[1]))
    .filter((port) => port > 0);
  for (const port of ports) {
    if (await accepts(port)) {
      return {
        problem: `port ${port}, which the example listens on as written, is already in use on this machine (stop what listens there)`,
        output: '',
      };
    }
  }
  const child = start(project, compiledPath(block.file), block.marker.env);
  try {
    if (block.marker.kind === 'server') {
      const deadline = Date.now() + timeouts.listenMs;
      for (;;) {
        if (child.hasExited()) {
          const exit = await child.exited;
          return {
            problem: `exited (${describeExit(exit)}) before it listened`,
            output: child.output(),
          };
        }
        const listening = listeningPorts(child.process.pid!);
        const listens =
          ports.length > 0 ? ports.every((port) => listening.has(port)) : listening.size > 0;
        if (listens && (block.marker.ready === undefined || (await answers(block.marker.ready))))
          break;
        if (Date.now() > deadline) {
          const waitedFor = ports.length > 0 ? `ports ${ports.join(', ')}` : 'a TCP port';
          return {
            problem: `did not listen on ${waitedFor}${block.marker.ready === undefined ? '' : ` and answer ${block.marker.ready}`} within ${timeouts.listenMs} ms (listening: ${[...listening].join(', ') || 'none'})`,
            output: child.output(),
          };
        }
        await sleep(100);
      }
      child.process.kill(block.marker.signal);
      const exit = await within(child.exited, timeouts.exitAfterSignalMs);
      if (exit === 'timeout') {
        return {
          problem: `still running ${timeouts.exitAfterSignalMs} ms after ${block.marker.signal}`,
          output: child.output(),
        };
      }
      return {
        problem:
          exit.code === 0
            ? undefined
            : `exited with ${describeExit(exit)} after ${block.marker.signal}`,
        output: child.output(),
      };
    }
    const exit = await within(child.exited, timeouts.runMs);
    if (exit === 'timeout') {
      return {
        problem: `still running after ${timeouts.runMs} ms (a server example needs <!-- example: server, then SIGTERM -->)`,
        output: child.output(),
      };
    }
    return {
      problem: exit.code === 0 ? undefined : `exited with ${describeExit(exit)}`,
      output: child.output(),
    };
  } finally {
    if (!child.hasExited()) {
      child.process.kill('SIGKILL');
      await child.exited;
    }
  }
}

/** Runs `out/cjs/use.cjs`; resolves to the export names it saw through require(). */
export async function runCommonJsUse(
  project: BlankProject,
): Promise<ExampleRun & { names: unknown }> {
  const child = start(project, join('out', 'cjs', 'use.cjs'), {});
  try {
    const exit = await within(child.exited, EXAMPLE_TIMEOUTS.runMs);
    const output = child.output();
    if (exit === 'timeout') return { problem: 'still running', output, names: undefined };
    if (exit.code !== 0)
      return { problem: `exited with ${describeExit(exit)}`, output, names: undefined };
    const line = output.split('\n').find((l) => l.startsWith('{"@shipshape/'));
    return { problem: undefined, output, names: line === undefined ? undefined : JSON.parse(line) };
  } finally {
    if (!child.hasExited()) {
      child.process.kill('SIGKILL');
      await child.exited;
    }
  }
}
