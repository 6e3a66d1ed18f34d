// Sums the vitest JSON reports (test-results.json) of every workspace into the one line CI reads:
// "N passed, N failed". Exits non-zero when any test or test file failed, or when no test ran.
// Above that line it repeats every failure (file, test, the first lines of its message): a CI log
// read from its tail then says what failed, however far up the test's own output scrolled.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.argv[2] ?? process.cwd();
const workspaces = ['packages', 'apps', 'tooling']
  .flatMap((group) =>
    existsSync(join(root, group)) ? readdirSync(join(root, group)).map((d) => join(group, d)) : [],
  )
  .concat(['bench', 'scripts', 'deploy']);

/** Lines of a failure message repeated in the digest. */
const MESSAGE_LINES = 12;

/** An ANSI colour code, as vitest writes them into failure messages. */
const COLOUR_CODE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

const excerpt = (message) =>
  String(message ?? '')
    .replace(COLOUR_CODE, '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, MESSAGE_LINES)
    .map((line) => `    ${line.slice(0, 300)}`);

/** "FAIL <file> > <test>" and its message, for every failed test and every file that failed to load. */
function failuresOf(workspace, report) {
  const lines = [];
  for (const file of report.testResults ?? []) {
    const name = file.name ? relative(root, file.name) : workspace;
    const failedTests = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failedTests) {
      lines.push(`FAIL ${name} > ${test.fullName ?? test.title}`);
      lines.push(...excerpt((test.failureMessages ?? []).join('\n')));
    }
    if (failedTests.length === 0 && file.status === 'failed') {
      lines.push(`FAIL ${name} (the file failed to load or to finish)`);
      lines.push(...excerpt(file.message));
    }
  }
  return lines;
}

let passed = 0;
let failed = 0;
const digest = [];
for (const workspace of workspaces) {
  const file = join(root, workspace, 'test-results.json');
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  // A file that fails to load fails no single test, yet the run is red.
  failed += report.numFailedTests + (report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
  digest.push(...failuresOf(workspace, report));
}
if (digest.length > 0) console.log(`\nWhat failed:\n${digest.join('\n')}\n`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
