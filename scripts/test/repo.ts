import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function readRepoFile(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8');
}

export const execFileAsync = promisify(execFile);

/** The two commands the root README promises: the lines of its first sh code block. */
export function readmeCommands(): { demo: string; test: string } {
  const block = /## Two commands[\s\S]*?```sh\n([\s\S]*?)```/.exec(readRepoFile('README.md'))?.[1];
  if (block === undefined) throw new Error('README.md has no sh block under "## Two commands"');
  const commands = block
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean);
  const demo = commands.find((c) => c.includes('demo'));
  const test = commands.find((c) => !c.includes('demo'));
  if (demo === undefined || test === undefined)
    throw new Error(`README commands not found in: ${block}`);
  return { demo, test };
}
