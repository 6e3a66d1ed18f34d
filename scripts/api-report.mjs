// API reports: api-extractor's `<name>.api.md`, one per entry point of the package in the current
// directory, read from its built declarations (dist/) and committed next to its package.json, so
// every change to a public surface shows in review. The entry points come from package.json
// `exports`: "." gives `<package>.api.md`, "./checks" gives `<package>-checks.api.md`.
//   node ../../scripts/api-report.mjs          write the reports (each package's `api-report` script)
//   node ../../scripts/api-report.mjs --check  write nothing; exit 1 when a report is missing or stale
// scripts/test/api-reports.test.ts runs the check for every package.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const check = process.argv.includes('--check');
const packageDir = process.cwd();
const packageJsonPath = join(packageDir, 'package.json');
const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
const unscoped = pkg.name.replace(/^@[^/]+\//, '');

/** Every entry point with declarations: [subpath, absolute .d.ts path]. */
const entries = Object.entries(pkg.exports ?? {}).flatMap(([subpath, target]) =>
  typeof target === 'object' && target !== null && typeof target.types === 'string'
    ? [[subpath, resolve(packageDir, target.types)]]
    : [],
);
if (entries.length === 0) {
  console.error(`api-report: ${pkg.name} has no "exports" entry with "types"; nothing to report.`);
  process.exit(1);
}

// Messages go into the report (where a reviewer sees them), not to the console; only a report that
// is missing or differs, or declarations that do not compile, fail the check.
const inReport = { logLevel: 'none', addToApiReportFile: true };
const temp = mkdtempSync(join(tmpdir(), 'api-report-'));
let failed = false;
try {
  for (const [subpath, types] of entries) {
    const reportName =
      subpath === '.' ? unscoped : `${unscoped}-${subpath.slice(2).replaceAll('/', '-')}`;
    const config = ExtractorConfig.prepare({
      packageJsonFullPath: packageJsonPath,
      configObjectFullPath: undefined,
      configObject: {
        projectFolder: packageDir,
        mainEntryPointFilePath: types,
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              module: 'nodenext',
              moduleResolution: 'nodenext',
              target: 'es2022',
              lib: ['es2023'],
              strict: true,
              types: ['node'],
            },
            files: [types],
          },
        },
        apiReport: {
          enabled: true,
          reportFileName: reportName,
          reportFolder: packageDir,
          reportTempFolder: temp,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: 'error' } },
          extractorMessageReporting: {
            default: inReport,
            // Release tags (@public, @beta) and doc-comment coverage are not this project's conventions.
            'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
            'ae-undocumented': { logLevel: 'none', addToApiReportFile: false },
            'ae-wrong-input-file-type': { logLevel: 'error' },
          },
          tsdocMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
        },
      },
    });
    const result = Extractor.invoke(config, {
      localBuild: !check,
      messageCallback(message) {
        // api-extractor's own progress lines; the outcome is printed below.
        if (message.logLevel === 'info' || message.logLevel === 'verbose') message.handled = true;
      },
    });
    const file = `${reportName}.api.md`;
    if (!result.succeeded) {
      failed = true;
      console.error(
        result.apiReportChanged
          ? `api-report: ${pkg.name} "${subpath}": ${file} is missing or out of date; run \`pnpm --filter ${pkg.name} api-report\` and commit it.`
          : `api-report: ${pkg.name} "${subpath}": api-extractor failed (messages above).`,
      );
    } else {
      console.log(
        `api-report: ${pkg.name} "${subpath}": ${file} ${result.apiReportChanged ? 'updated' : 'up to date'}`,
      );
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
