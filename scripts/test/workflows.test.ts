import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readmeCommands, readRepoFile } from './repo.js';

interface Step {
  uses?: string;
  run?: string;
  if?: string;
}
interface Workflow {
  permissions?: unknown;
  jobs: Record<
    string,
    { steps: Step[]; services?: Record<string, unknown>; permissions?: unknown }
  >;
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
