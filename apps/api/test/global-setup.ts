import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One scratch directory for every SQLite file the tests create, removed after the run. */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'api-test-'));
  process.env['API_TEST_SCRATCH'] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
