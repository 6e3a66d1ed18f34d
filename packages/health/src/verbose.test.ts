import { describe, expect, it } from 'vitest';
import { asksForVerbose, verboseAllowed } from './verbose.js';

const q = (search: string): URLSearchParams => new URLSearchParams(search);

describe('verbose policy', () => {
  it('recognises the query forms', () => {
    expect(asksForVerbose(q(''))).toBe(false);
    expect(asksForVerbose(q('verbose'))).toBe(true);
    expect(asksForVerbose(q('verbose=1'))).toBe(true);
    expect(asksForVerbose(q('verbose=true'))).toBe(true);
    expect(asksForVerbose(q('verbose=0'))).toBe(false);
    expect(asksForVerbose(q('verbose=false'))).toBe(false);
  });

  it('needs the request to ask AND the policy to allow', () => {
    expect(verboseAllowed('never', q('verbose'), {})).toBe(false);
    expect(verboseAllowed('always', q(''), {})).toBe(false);
    expect(verboseAllowed('always', q('verbose'), {})).toBe(true);
    const policy = { token: 'abc' };
    expect(verboseAllowed(policy, q('verbose'), {})).toBe(false);
    expect(verboseAllowed(policy, q('verbose'), { authorization: 'Bearer abc' })).toBe(true);
    expect(verboseAllowed(policy, q('verbose'), { authorization: 'bearer abc' })).toBe(true);
    expect(verboseAllowed(policy, q('verbose'), { authorization: 'Basic abc' })).toBe(false);
    expect(verboseAllowed(policy, q('verbose'), { 'x-health-token': 'abc' })).toBe(true);
    expect(verboseAllowed(policy, q('verbose'), { 'x-health-token': 'ab' })).toBe(false);
    expect(verboseAllowed(policy, q(''), { 'x-health-token': 'abc' })).toBe(false);
  });
});
