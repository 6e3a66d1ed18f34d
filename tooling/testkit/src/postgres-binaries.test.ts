import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPostgresBinDir } from './postgres-binaries.js';
import { TestkitError } from './testkit-error.js';

// Real folders and real executable files: the lookup stats, access-checks and runs them.
const root = mkdtempSync(join(tmpdir(), 'shipshape-pg-lookup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let folders = 0;
/** A fresh folder holding the given programs (executable shell scripts unless `mode` says otherwise). */
function folder(programs: Record<string, string> = {}, mode = 0o755): string {
  folders += 1;
  const dir = join(root, `dir${String(folders)}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(programs)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), mode);
  }
  return dir;
}
const server = { initdb: 'exit 0', pg_ctl: 'exit 0' };
const pgConfigSaying = (binDir: string) => ({ pg_config: `echo '${binDir}'` });

/** A Debian-style versions folder: `<versions>/<major>/bin`, each holding the given programs. */
function versionsFolder(majors: Record<string, Record<string, string>>): string {
  const versions = folder();
  for (const [major, programs] of Object.entries(majors)) {
    const bin = join(versions, major, 'bin');
    mkdirSync(bin, { recursive: true });
    for (const [name, body] of Object.entries(programs)) {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    }
  }
  return versions;
}
const searchPath = (...dirs: string[]) => dirs.join(delimiter);

describe('findPostgresBinDir', () => {
  it('1. takes pg_config --bindir first, ahead of PATH and the versions folder', async () => {
    const reported = folder(server);
    const onPath = folder(server);
    const path = searchPath(folder(), folder(pgConfigSaying(reported)), onPath);
    const versionsDir = versionsFolder({ '16': server });
    expect(await findPostgresBinDir({ path, versionsDir })).toEqual({
      binDir: reported,
      foundBy: 'pg_config',
    });
  });

  it('2. skips a pg_config whose folder has no server (client-only install) and searches PATH', async () => {
    const clientOnly = folder({ psql: 'exit 0' });
    const onlyInitdb = folder({ initdb: 'exit 0' });
    const onPath = folder(server);
    const path = searchPath(folder(pgConfigSaying(clientOnly)), onlyInitdb, onPath, folder(server));
    const versionsDir = versionsFolder({ '17': server });
    expect(await findPostgresBinDir({ path, versionsDir })).toEqual({
      binDir: onPath,
      foundBy: 'PATH',
    });
  });

  it('2. ignores programs that are not executable', async () => {
    const notExecutable = folder(server, 0o644);
    const onPath = folder(server);
    expect(await findPostgresBinDir({ path: searchPath(notExecutable, onPath) })).toEqual({
      binDir: onPath,
      foundBy: 'PATH',
    });
  });

  it('3. falls back to the newest complete <versionsDir>/<major>/bin, compared as numbers', async () => {
    const versionsDir = versionsFolder({
      '9.6': server,
      '15': server,
      '16': server,
      '18': { initdb: 'exit 0' }, // newest, but pg_ctl is missing
      'not-a-version': server,
    });
    const path = searchPath(folder({ psql: 'exit 0' }), folder(pgConfigSaying('/nonexistent')));
    expect(await findPostgresBinDir({ path, versionsDir })).toEqual({
      binDir: join(versionsDir, '16', 'bin'),
      foundBy: 'versionsDir',
    });
  });

  it('3. a failing pg_config does not stop the lookup', async () => {
    const versionsDir = versionsFolder({ '15': server });
    const path = searchPath(folder({ pg_config: 'echo broken >&2; exit 2' }));
    expect((await findPostgresBinDir({ path, versionsDir })).foundBy).toBe('versionsDir');
  });

  it('fails with one message that says what was searched and what to install', async () => {
    const clientOnly = folder({ psql: 'exit 0' });
    const versionsDir = versionsFolder({ '16': { pg_config: 'exit 0' } });
    const error: unknown = await findPostgresBinDir({
      path: searchPath(folder(pgConfigSaying(clientOnly)), clientOnly),
      versionsDir,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TestkitError);
    expect(error).toMatchObject({ code: 'TESTKIT_POSTGRES_NOT_FOUND' });
    const { message } = error as TestkitError;
    expect(message).toContain(`pg_config --bindir says ${clientOnly}`);
    expect(message).toContain(`${versionsDir}/*/bin`);
    expect(message).toContain("'apt-get install postgresql'");
    expect(message).toContain('scripts/system-packages.txt');
  });

  it('fails the same way on a machine with nothing at all', async () => {
    await expect(
      findPostgresBinDir({ path: '', versionsDir: join(root, 'missing') }),
    ).rejects.toThrow(/no pg_config on PATH; none on PATH; none in .*missing\/\*\/bin/);
  });
});
