// Sums the vitest JSON reports (test-results.json) of every workspace into the one line CI reads:
// "N passed, N failed". Exits non-zero when any test or test file failed, or when no test ran.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2] ?? process.cwd();
const workspaces = ['packages', 'apps', 'tooling']
  .flatMap((group) =>
    existsSync(join(root, group)) ? readdirSync(join(root, group)).map((d) => join(group, d)) : [],
  )
  .concat(['bench', 'scripts', 'deploy']);

let passed = 0;
let failed = 0;
for (const workspace of workspaces) {
  const file = join(root, workspace, 'test-results.json');
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  // A file that fails to load fails no single test, yet the run is red.
  failed += report.numFailedTests + (report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
