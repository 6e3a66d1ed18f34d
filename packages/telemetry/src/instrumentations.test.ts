import { describe, expect, it } from 'vitest';
import { untracedMatcher } from './instrumentations.js';
import { TELEMETRY_DEFAULTS } from './options.js';

describe('untracedMatcher', () => {
  const untraced = untracedMatcher(TELEMETRY_DEFAULTS.untracedPaths);

  it('matches a probe or scrape path as is, with a trailing slash, a query or both', () => {
    for (const target of [
      '/readyz',
      '/readyz/',
      '/readyz?verbose=1',
      '/readyz/?verbose=1',
      '/livez//',
      '/metrics?name[]=http_server_request_duration_seconds',
      '/healthz#top',
    ])
      expect(untraced(target), target).toBe(true);
  });

  it('traces every other path, prefixes and look-alikes included', () => {
    for (const target of ['/', '/v1/orders', '/readyz/db', '/metricsx', '/v1/readyz', '?/readyz'])
      expect(untraced(target), target).toBe(false);
  });

  it('normalises the configured paths the same way', () => {
    const custom = untracedMatcher(['/status/', '/']);
    expect(custom('/status')).toBe(true);
    expect(custom('/status/?x=1')).toBe(true);
    expect(custom('/?x=1')).toBe(true);
    expect(custom('/other')).toBe(false);
  });
});
