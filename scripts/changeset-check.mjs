#!/usr/bin/env node
// Is every published package this branch changes named in a changeset this branch adds?
//   node scripts/changeset-check.mjs [base]      (base default: origin/main)
// `changeset status --since=<base>` passes as soon as the branch adds any changeset at all; this
// check is per package. It compares against the merge base of <base> and HEAD, so every commit of
// the branch counts whatever its order (code first, changeset later), plus uncommitted and
// untracked files (a changeset just written by `pnpm changeset`). Changesets already pending on
// <base> never cover the branch's changes. A branch that adds an empty changeset
// (`pnpm changeset --empty`) declares that its changes need no release. Exit 1 when a package is
// not covered, 2 when <base> cannot be found.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const base = process.argv[2] ?? 'origin/main';
const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim();
const lines = (text) => text.split('\n').filter((line) => line !== '');

let mergeBase;
try {
  mergeBase = git('merge-base', base, 'HEAD');
} catch {
  console.error(
    `changeset-check: cannot find where HEAD diverged from ${base}. Fetch it first ` +
      `(git fetch origin main; in CI, actions/checkout with fetch-depth: 0).`,
  );
  process.exit(2);
}
process.chdir(git('rev-parse', '--show-toplevel'));

// Tracked files changed since the merge base (committed or not) and untracked files, deleted excluded.
const changedFiles = new Set([
  ...lines(git('diff', '--name-only', '--no-relative', '--diff-filter=d', mergeBase)),
  ...lines(git('ls-files', '--others', '--exclude-standard')),
]);
const deletedFiles = lines(
  git('diff', '--name-only', '--no-relative', '--diff-filter=D', mergeBase),
);

/** Published workspaces: packages/* whose package.json is not private. */
const published = readdirSync('packages', { withFileTypes: true })
  .filter(
    (entry) => entry.isDirectory() && existsSync(join('packages', entry.name, 'package.json')),
  )
  .map((entry) => {
    const dir = `packages/${entry.name}`;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return { dir, name: manifest.name, private: manifest.private === true };
  })
  .filter((pkg) => !pkg.private);

const touches = (pkg) =>
  [...changedFiles, ...deletedFiles].some((file) => file.startsWith(`${pkg.dir}/`));
const changedPackages = published.filter(touches);

/** The changesets the branch adds or edits: `.changeset/<name>.md` files other than README.md. */
const changesets = [...changedFiles]
  .filter((file) => /^\.changeset\/[^/]+\.md$/.test(file) && file !== '.changeset/README.md')
  .sort()
  .map((file) => {
    const text = readFileSync(file, 'utf8');
    const frontMatter = /^---\r?\n([\s\S]*?)\r?\n?---/.exec(text);
    if (frontMatter === null) {
      console.error(
        `changeset-check: ${file} has no front matter (--- … ---); see CONTRIBUTING.md.`,
      );
      process.exit(1);
    }
    const releases = lines(frontMatter[1]).flatMap((line) => {
      const release = /^\s*['"]?([^'":]+)['"]?\s*:\s*(major|minor|patch|none)\s*$/.exec(line);
      return release === null ? [] : [{ name: release[1], type: release[2] }];
    });
    return { file, releases };
  });

console.log(`changeset-check: since ${base} (merge base ${mergeBase.slice(0, 12)})`);
for (const { file, releases } of changesets) {
  const named = releases.map((r) => `${r.name} ${r.type}`).join(', ') || 'empty: no release';
  console.log(`  changeset ${file}: ${named}`);
}
if (changedPackages.length === 0) {
  console.log('  no published package changed: no changeset needed.');
  process.exit(0);
}
if (changesets.some(({ releases }) => releases.length === 0)) {
  console.log(
    `  an empty changeset declares that ${changedPackages.map((p) => p.name).join(', ')} need no release.`,
  );
  process.exit(0);
}
let uncovered = 0;
for (const pkg of changedPackages) {
  const covering = changesets.filter(({ releases }) => releases.some((r) => r.name === pkg.name));
  if (covering.length > 0) {
    console.log(`  ok   ${pkg.name}: ${covering.map((c) => c.file).join(', ')}`);
  } else {
    uncovered += 1;
    console.log(
      `  MISSING ${pkg.name}: changed in ${pkg.dir}/, named in no changeset since ${base}`,
    );
  }
}
if (uncovered > 0) {
  console.error(
    `changeset-check: ${uncovered} changed package(s) without a changeset. Run \`pnpm changeset\` and pick ` +
      `them (changesets already pending on ${base} describe earlier changes and do not count), or ` +
      `\`pnpm changeset --empty\` when the change needs no release.`,
  );
  process.exit(1);
}
console.log('changeset-check: every changed package has a changeset.');
