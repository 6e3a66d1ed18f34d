import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readmeCommands, readRepoFile } from './repo.js';

interface Step {
  uses?: string;
  run?: string;
  if?: string;
}
interface Job {
  steps: Step[];
  services?: Record<string, unknown>;
  permissions?: unknown;
  'continue-on-error'?: unknown;
  strategy?: {
    matrix: { node: string[]; experimental: boolean[]; include?: Record<string, unknown>[] };
  };
}
interface Workflow {
  permissions?: unknown;
  jobs: Record<string, Job>;
}

const ci = parse(readRepoFile('.github/workflows/ci.yml')) as Workflow;
const release = parse(readRepoFile('.github/workflows/release.yml')) as Workflow;
const allSteps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);

describe('GitHub workflows', () => {
  it('CI runs exactly the test command the README gives, and .ci/run calls it too', () => {
    const { test } = readmeCommands();
    expect(test).toBe('npm test');
    expect(allSteps(ci).map((s) => s.run)).toContain(test);
    expect(readRepoFile('.ci/run')).toMatch(new RegExp(`^${test}$`, 'm'));
  });

  it('CI has Redis and PostgreSQL service containers and checks changesets on pull requests', () => {
    const services = Object.keys(ci.jobs['test']?.services ?? {});
    expect(services).toEqual(expect.arrayContaining(['redis', 'postgres']));
    const changesetStep = allSteps(ci).find((s) => s.run?.includes('changeset status'));
    expect(changesetStep?.if).toContain('pull_request');
  });

  it('tests the packages on Node 22 and 24 (26 allowed to fail) and the whole suite on the pinned Node', () => {
    const packages = ci.jobs['packages'];
    expect(packages?.strategy?.matrix.node).toEqual(['22', '24']);
    expect(packages?.strategy?.matrix.include).toEqual([{ node: '26', experimental: true }]);
    expect(packages?.['continue-on-error']).toBe('${{ matrix.experimental }}');
    const setupNode = (job: Job | undefined) =>
      job?.steps.find((s) => s.uses?.startsWith('actions/setup-node@')) as
        (Step & { with?: Record<string, string> }) | undefined;
    expect(setupNode(packages)?.with).toEqual({ 'node-version': '${{ matrix.node }}' });
    expect(setupNode(ci.jobs['test'])?.with).toEqual({ 'node-version-file': '.node-version' });
    expect(readRepoFile('.node-version').trim()).toMatch(/^24\.\d+\.\d+$/);
  });

  it('pins every action by a full commit SHA', () => {
    const uses = [...allSteps(ci), ...allSteps(release)].flatMap((s) => (s.uses ? [s.uses] : []));
    expect(uses.length).toBeGreaterThan(3);
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  });

  it('grants minimal permissions: read-only CI, write only where the release job needs it', () => {
    expect(ci.permissions).toEqual({ contents: 'read' });
    expect(release.permissions).toEqual({});
    expect(release.jobs['release']?.permissions).toEqual({
      contents: 'write',
      'pull-requests': 'write',
      'id-token': 'write',
    });
    expect(allSteps(release).some((s) => s.uses?.startsWith('changesets/action@'))).toBe(true);
  });
});
