import { readFileSync } from 'node:fs';

export interface PackageInfo {
  readonly name: string;
  readonly version: string;
}

/** The app's name and version from its package.json (one level above dist/ and src/). */
export function readPackageInfo(): PackageInfo {
  const parsed = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as Partial<PackageInfo>;
  return { name: parsed.name ?? '@shipshape/example-api', version: parsed.version ?? '0.0.0' };
}
