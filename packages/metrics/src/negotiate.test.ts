import { describe, expect, it } from 'vitest';
import { negotiateFormat } from './negotiate.js';

describe('negotiateFormat', () => {
  it('serves text 0.0.4 without an Accept header or to browsers', () => {
    expect(negotiateFormat(undefined)).toBe('prometheus');
    expect(negotiateFormat('')).toBe('prometheus');
    expect(negotiateFormat('text/html,application/xhtml+xml,*/*;q=0.8')).toBe('prometheus');
  });

  it('serves OpenMetrics to what Prometheus 2.x sends', () => {
    const prometheus =
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    expect(negotiateFormat(prometheus)).toBe('openmetrics');
  });

  it('respects quality values', () => {
    expect(negotiateFormat('text/plain;q=1, application/openmetrics-text;q=0.5')).toBe(
      'prometheus',
    );
    expect(negotiateFormat('application/openmetrics-text;q=0')).toBe('prometheus');
    expect(negotiateFormat('Application/OpenMetrics-Text; version=1.0.0')).toBe('openmetrics');
  });
});
