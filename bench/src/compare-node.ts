import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A Node.js binary the contenders of a case run under. */
export interface NodeBinary {
  readonly path: string;
  /** `v20.20.2`. */
  readonly version: string;
  /** Suffix of the contenders run under it: `node20`. */
  readonly label: string;
}

/** The runner's own Node.js: every contender without a suffix runs under it. */
export function ownNode(): NodeBinary {
  return { path: process.execPath, version: process.version, label: labelOf(process.version) };
}

const labelOf = (version: string): string => `node${version.replace(/^v/, '').split('.')[0] ?? ''}`;

/** Asks the binary its version; a path that is not a working Node.js is said plainly. */
export function nodeBinary(path: string): NodeBinary {
  const result = spawnSync(path, ['-p', 'process.version'], { encoding: 'utf8', timeout: 10_000 });
  const version = result.stdout.trim();
  if (result.status !== 0 || !/^v\d+\.\d+\.\d+/.test(version)) {
    throw new Error(
      `--compare-node ${path}: not a working Node.js binary (${result.error?.message ?? (result.stderr.trim() || `exit ${String(result.status)}`)}); give the path of another Node.js, e.g. /usr/bin/node`,
    );
  }
  const binary = { path, version, label: labelOf(version) };
  if (binary.label === ownNode().label)
    throw new Error(
      `--compare-node ${path} is Node ${version}, the same major version as the runner's own ${process.version}: compare another major version`,
    );
  return binary;
}

/** The name of a contender run under another Node.js: `shipshape@node20`. */
export const underNode = (contender: string, node: NodeBinary): string =>
  `${contender}@${node.label}`;

/**
 * A CommonJS preload (`node --require …`) that gives Node.js < 22.1 a no-op
 * `module.enableCompileCache`, so the apps, which call it first thing, start on Node 20 too.
 * Harmless where Node.js has the real one (it is left alone).
 */
export const compileCacheShim = fileURLToPath(new URL('./compile-cache-shim.cjs', import.meta.url));

/**
 * The native addons a process has loaded, as the packages that ship them (`better-sqlite3`,
 * `@msgpackr-extract/msgpackr-extract-linux-x64`), read from `/proc/<pid>/maps`. Empty where
 * there is no /proc (then nothing can be checked).
 */
export function nativeAddons(pid: number | 'self'): string[] {
  let maps: string;
  try {
    maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
  } catch {
    return [];
  }
  const packages = new Set<string>();
  for (const line of maps.split('\n')) {
    const file = line.slice(line.indexOf('/'));
    if (!line.includes('/') || !file.endsWith('.node')) continue;
    packages.add(addonPackage(file));
  }
  return [...packages].sort();
}

/** `…/node_modules/@scope/name/build/x.node` → `@scope/name`; outside node_modules, the file. */
export function addonPackage(file: string): string {
  const at = file.lastIndexOf('/node_modules/');
  if (at < 0) return file;
  const [first = '', second = ''] = file.slice(at + '/node_modules/'.length).split('/');
  return first.startsWith('@') ? `${first}/${second}` : first;
}

/** Two contenders that run the same code, one under the runner's Node.js, one under another. */
export interface NodePair {
  /** Under the runner's own Node.js. */
  readonly own: string;
  /** Under `--compare-node`. */
  readonly other: string;
}

/**
 * The native addons each contender loaded. A pair that loads different addons on its two Node.js
 * versions would compare different code (an addon built for one ABI that fails to load on the other
 * and a JavaScript fallback taken silently), so that stops the run.
 */
export class AddonLedger {
  readonly #seen = new Map<string, readonly string[]>();
  readonly #pairs: readonly NodePair[];

  constructor(pairs: readonly NodePair[]) {
    this.#pairs = pairs;
  }

  record(contender: string, addons: readonly string[]): void {
    this.#seen.set(contender, addons);
    for (const pair of this.#pairs) {
      if (pair.own !== contender && pair.other !== contender) continue;
      const own = this.#seen.get(pair.own);
      const other = this.#seen.get(pair.other);
      if (own === undefined || other === undefined || own.join() === other.join()) continue;
      throw new Error(
        `${pair.own} loaded the native addons [${own.join(', ')}] but ${pair.other} loaded [${other.join(', ')}]: the two Node.js versions would run different code. Make the child load the same addons on both (an addon without a build for one ABI must not be loaded at all).`,
      );
    }
  }

  /** Every contender's addons, for the run record. */
  byContender(): Record<string, readonly string[]> {
    return Object.fromEntries(this.#seen);
  }
}
