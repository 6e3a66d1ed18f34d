import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  AddonLedger,
  addonPackage,
  nativeAddons,
  nodeBinary,
  ownNode,
  type NodeBinary,
} from './compare-node.js';

/** The machine's own Node.js, older than the project's, when it has one (these machines do). */
const SYSTEM_NODE = '/usr/bin/node';
const olderSystemNode = ((): NodeBinary | undefined => {
  if (!existsSync(SYSTEM_NODE)) return undefined;
  try {
    return nodeBinary(SYSTEM_NODE);
  } catch {
    return undefined; // the same major version as ours: nothing to compare against
  }
})();

describe('another Node.js', () => {
  it('is named by its major version, and a path that is no Node.js is refused plainly', () => {
    expect(ownNode().label).toBe(`node${process.versions.node.split('.')[0]}`);
    expect(() => nodeBinary('/bin/false')).toThrow(/not a working Node.js binary/);
    expect(() => nodeBinary(process.execPath)).toThrow(/same major version/);
  });

  it.runIf(olderSystemNode !== undefined)('reports its version', () => {
    const node = olderSystemNode!;
    expect(node.version).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(node.label).toBe(`node${node.version.slice(1).split('.')[0]}`);
  });
});

describe('the compile-cache shim', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-bench-shim-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const shim = join(dir, 'shim.cjs');
  writeFileSync(
    shim,
    stripTypeScriptTypes(
      readFileSync(new URL('./compile-cache-shim.cts', import.meta.url), 'utf8'),
    ),
  );
  const app = join(dir, 'app.mjs');
  writeFileSync(
    app,
    "import { enableCompileCache } from 'node:module';\nconsole.log(JSON.stringify(enableCompileCache()));\n",
  );
  const run = (node: string) =>
    spawnSync(node, ['--require', shim, app], {
      encoding: 'utf8',
      env: { ...process.env, NODE_COMPILE_CACHE: join(dir, 'cache') },
    });

  it('leaves a Node.js that has module.enableCompileCache alone', () => {
    const result = run(process.execPath);
    expect(result.status).toBe(0);
    const answer = JSON.parse(result.stdout) as { status: number; message?: string };
    expect(answer.message ?? '').not.toMatch(/before Node 22.1/);
  });

  it.runIf(olderSystemNode !== undefined && Number(olderSystemNode.label.slice(4)) < 22)(
    'lets an app that imports it link and run on an older Node.js',
    () => {
      const without = spawnSync(SYSTEM_NODE, [app], { encoding: 'utf8' });
      expect(without.stderr).toMatch(/does not provide an export named 'enableCompileCache'/);
      const result = run(SYSTEM_NODE);
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({
        status: 3,
        message: 'no compile cache before Node 22.1',
      });
    },
  );
});

describe('native addons', () => {
  it('are named by the package that ships them', () => {
    expect(
      addonPackage(
        '/w/node_modules/.pnpm/@msgpackr-extract+x@3.0.7/node_modules/@msgpackr-extract/msgpackr-extract-linux-x64/node.napi.glibc.node',
      ),
    ).toBe('@msgpackr-extract/msgpackr-extract-linux-x64');
    expect(
      addonPackage(
        '/w/node_modules/.pnpm/better-sqlite3@12.4.1/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      ),
    ).toBe('better-sqlite3');
    expect(addonPackage('/opt/addon.node')).toBe('/opt/addon.node');
  });

  it('of a process that loaded none are none', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], {
      stdio: 'ignore',
    });
    try {
      await vi.waitFor(() => {
        expect(readFileSync(`/proc/${child.pid}/cmdline`, 'utf8')).toContain('setTimeout');
      });
      expect(nativeAddons(child.pid ?? 0)).toEqual([]);
    } finally {
      child.kill();
      await once(child, 'exit');
    }
  });

  it('must be the same packages for both contenders of a pair', () => {
    const ledger = new AddonLedger([{ own: 'bare', other: 'bare@node20' }]);
    ledger.record('bare', ['@msgpackr-extract/msgpackr-extract-linux-x64']);
    ledger.record('bare@node20', ['@msgpackr-extract/msgpackr-extract-linux-x64']);
    ledger.record('shipshape', ['better-sqlite3']); // not in a pair: recorded, not compared
    expect(ledger.byContender()).toEqual({
      bare: ['@msgpackr-extract/msgpackr-extract-linux-x64'],
      'bare@node20': ['@msgpackr-extract/msgpackr-extract-linux-x64'],
      shipshape: ['better-sqlite3'],
    });
    expect(() => {
      ledger.record('bare@node20', []);
    }).toThrow(/bare loaded the native addons \[@msgpackr-extract.*\] but bare@node20 loaded \[\]/);
  });
});
