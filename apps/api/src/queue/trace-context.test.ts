import { describe, expect, it } from 'vitest';
import { isValidTraceparent, traceContextFor } from './trace-context.js';

const VALID = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('traceContextFor without an OpenTelemetry SDK', () => {
  it("passes the caller's valid traceparent (and tracestate) on unchanged", () => {
    expect(traceContextFor({ traceparent: VALID })).toEqual({ traceparent: VALID });
    expect(traceContextFor({ traceparent: VALID, tracestate: 'a=1' })).toEqual({
      traceparent: VALID,
      tracestate: 'a=1',
    });
  });

  it('drops missing or invalid trace context instead of forwarding garbage', () => {
    expect(traceContextFor()).toBeUndefined();
    expect(traceContextFor({ traceparent: 'nonsense' })).toBeUndefined();
    expect(isValidTraceparent('00-00000000000000000000000000000000-b7ad6b7169203331-01')).toBe(
      false,
    );
    expect(isValidTraceparent('00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01')).toBe(
      false,
    );
  });
});
