import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerfile, readDockerfile } from './lib/dockerfile.js';
import { dockerDir } from './lib/paths.js';

interface LintItem {
  line: number;
  rule: string;
  title: string;
}
const require = createRequire(import.meta.url);
const dockerfilelint = require('dockerfilelint') as {
  run(configPath: string, content: string): LintItem[];
};

const text = readDockerfile();
const stages = parseDockerfile(text);
const stageNames = new Set(stages.map((s) => s.name));
const finalStages = stages.filter((s) => s.name === 'api' || s.name === 'worker');

describe('docker/Dockerfile', () => {
  it('passes dockerfilelint', () => {
    // dockerfilelint 1.8 predates multi-stage builds and reports `FROM <earlier stage>` as an
    // image without a tag; those lines are filtered, and the next test checks real images' tags.
    const stageLines = new Set(
      stages.filter((s) => stageNames.has(s.from)).map((s) => s.instructions[0]!.line),
    );
    const items = dockerfilelint
      .run(dockerDir, text)
      .filter((i) => !(i.rule === 'missing_tag' && stageLines.has(i.line)));
    expect(items).toEqual([]);
  });

  it('the linter is really run: it reports a Dockerfile with known mistakes', () => {
    const items = dockerfilelint.run(
      dockerDir,
      'FROM node:latest\nRUN sudo apt-get install curl\n',
    );
    expect(items.map((i) => i.rule).sort()).toEqual(
      expect.arrayContaining(['latest_tag', 'sudo_usage']),
    );
  });

  it('stamps VERSION into each app package.json in a stage of its own', () => {
    const stamp = stages.find((s) => s.name === 'stamp');
    expect(stamp?.from).toBe('build');
    expect(stamp?.instructions.map((i) => `${i.keyword} ${i.args}`)).toEqual([
      'FROM build AS stamp',
      'ARG VERSION=0.0.0-dev',
      'RUN for app in api worker; do (cd "/out/$app" && npm pkg set "version=$VERSION"); done',
    ]);
  });

  it('builds from the Node version pinned in .node-version (what is tested is what ships), never latest', () => {
    const pinned = readFileSync(join(dockerDir, '..', '.node-version'), 'utf8').trim();
    const external = stages.filter((s) => !stageNames.has(s.from));
    expect(external.length).toBeGreaterThan(0);
    for (const stage of external) {
      const match = /^node:(\d+\.\d+\.\d+)-[a-z]+-slim$/.exec(stage.from);
      expect(match, stage.from).not.toBeNull();
      expect(match?.[1], `${stage.from} against .node-version`).toBe(pinned);
    }
  });

  it('downloads dependencies from the lockfile alone before copying the sources (layer caching)', () => {
    const instructions = stages.flatMap((s) => s.instructions);
    const lockfileCopy = instructions.findIndex(
      (i) => i.keyword === 'COPY' && i.args.startsWith('pnpm-lock.yaml'),
    );
    const fetch = instructions.findIndex(
      (i) => i.keyword === 'RUN' && i.args.includes('pnpm fetch'),
    );
    const sourceCopy = instructions.findIndex((i) => i.keyword === 'COPY' && i.args === '. .');
    expect(lockfileCopy).toBeGreaterThanOrEqual(0);
    expect(lockfileCopy).toBeLessThan(fetch);
    expect(fetch).toBeLessThan(sourceCopy);
    const install = instructions.find(
      (i) => i.keyword === 'RUN' && i.args.includes('pnpm install'),
    );
    expect(install?.args).toContain('--offline');
    expect(install?.args).toContain('--frozen-lockfile');
    const deploy = instructions.filter(
      (i) => i.keyword === 'RUN' && i.args.includes('deploy --prod'),
    );
    expect(deploy).toHaveLength(1);
  });

  it.each(finalStages.map((s) => [s.name, s] as const))(
    'the %s image: runtime base, non-root, tini, HEALTHCHECK with node fetch, VERSION/COMMIT → env',
    (name, stage) => {
      // The final stage builds on the shared runtime stage, which has no compiler and no pnpm.
      const runtime = stages.find((s) => s.name === stage.from)!;
      const all = [...runtime.instructions, ...stage.instructions];
      expect(
        runtime.instructions.some((i) => i.args.includes('g++') || i.args.includes('pnpm')),
      ).toBe(false);
      const user = all.filter((i) => i.keyword === 'USER').at(-1);
      expect(user?.args).toMatch(/^[1-9]\d*:[1-9]\d*$/);
      expect(all.find((i) => i.keyword === 'ENTRYPOINT')?.args).toBe('["/usr/bin/tini", "--"]');
      expect(all.some((i) => i.keyword === 'ENV' && i.args.includes('NODE_ENV=production'))).toBe(
        true,
      );
      const healthcheck = stage.instructions.find((i) => i.keyword === 'HEALTHCHECK');
      expect(healthcheck?.args).toContain('CMD ["node", "-e", "fetch(');
      expect(healthcheck?.args).toContain('/readyz');
      expect(healthcheck?.args).toContain(name === 'api' ? '9464' : '9465');
      const args = stage.instructions
        .filter((i) => i.keyword === 'ARG')
        .map((i) => i.args.split('=')[0]);
      expect(args).toEqual(['VERSION', 'COMMIT']);
      const env = stage.instructions
        .filter((i) => i.keyword === 'ENV')
        .map((i) => i.args)
        .join(' ');
      // The apps read the commit from GIT_COMMIT and the version from their package.json, which
      // the stamp stage writes from VERSION.
      expect(env).toContain('GIT_COMMIT=${COMMIT}');
      const copies = stage.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
      expect(copies).toEqual([
        `--from=build /out/${name} /app`,
        `--from=stamp /out/${name}/package.json /app/package.json`,
      ]);
      // Version arguments come after the app COPY, so a new release does not invalidate the app layer.
      const appCopy = stage.instructions.findIndex((i) => i.keyword === 'COPY');
      const argIndex = stage.instructions.findIndex((i) => i.keyword === 'ARG');
      expect(appCopy).toBeLessThan(argIndex);
      expect(stage.instructions.find((i) => i.keyword === 'CMD')?.args).toBe(
        '["node", "--import", "@shipshape/telemetry/register", "dist/main.js"]',
      );
    },
  );
});

describe('docker/Dockerfile.dockerignore', () => {
  const patterns = readFileSync(join(dockerDir, 'Dockerfile.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

  it('keeps dependencies, build output, git, local databases and secrets out of the build context', () => {
    for (const pattern of [
      '**/node_modules',
      '**/dist',
      '.git',
      '**/.data',
      '**/*.sqlite',
      '**/.env',
      'docker/secrets',
    ]) {
      expect(patterns).toContain(pattern);
    }
  });

  it('keeps what the build needs: the lockfile, the workspace list, and the sources', () => {
    for (const needed of [
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      'package.json',
      'packages',
      'apps',
      'src',
      'tsconfig.base.json',
    ]) {
      expect(
        patterns.filter((p) => p === needed || p === `**/${needed}`),
        needed,
      ).toEqual([]);
    }
  });
});
