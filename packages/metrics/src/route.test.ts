import { describe, expect, it } from 'vitest';
import { expressRouteTemplate, scrubIds } from './route.js';

describe('expressRouteTemplate with an older router (match() mutates the layer)', () => {
  it('rebuilds mount templates from captured parameter values', () => {
    const inner = { handle: () => undefined };
    const mount = {
      handle: { stack: [inner] },
      path: undefined as string | undefined,
      params: {} as Record<string, string>,
      match(path: string) {
        const found = /^\/tenants\/([^/]+)/.exec(path);
        if (found === null) return false;
        this.path = found[0];
        this.params = { tenantId: found[1]! };
        return true;
      },
    };
    const req = {
      baseUrl: '/tenants/acme-42',
      route: { path: '/reports/:reportId' },
      app: { _router: { stack: [mount] } },
    };
    expect(expressRouteTemplate(req)).toBe('/tenants/:tenantId/reports/:reportId');
  });

  it('returns undefined when no route matched and scrubs id-like segments as a last resort', () => {
    expect(expressRouteTemplate({ baseUrl: '/x' })).toBeUndefined();
    expect(expressRouteTemplate({ baseUrl: '/orgs/12345', route: { path: '/' }, app: {} })).toBe(
      '/orgs/:id',
    );
    expect(scrubIds('/a/0b9f5b0e-8c1a-4f7e-9c2d-3a1b2c3d4e5f/b/deadbeefdeadbeef/c')).toBe(
      '/a/:id/b/:id/c',
    );
  });
});
