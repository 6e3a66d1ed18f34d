import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adminInfo, COMMON_INFO_KEYS } from './admin-info.js';

const FACTS = {
  service: 'api',
  version: '1.2.3',
  commit: 'abc123',
  database: 'sqlite',
  queue: 'orders',
  queuePrefix: 'bull',
  telemetry: false,
};

describe('adminInfo', () => {
  it('reports the common keys, in order, under the names both apps use', () => {
    const info = adminInfo(FACTS)();
    expect(Object.keys(info)).toEqual([...COMMON_INFO_KEYS]);
    expect(info).toMatchObject({
      service: 'api',
      version: '1.2.3',
      commit: 'abc123',
      node_version: process.version,
      pid: process.pid,
      database: 'sqlite',
      queue: 'orders',
      queue_prefix: 'bull',
      telemetry: false,
    });
  });

  it('says when the process started, in agreement with its uptime', () => {
    const info = adminInfo(FACTS)();
    const startedAt = Date.parse(String(info['started_at']));
    expect(new Date(startedAt).toISOString()).toBe(info['started_at']);
    const uptimeMs = Date.now() - startedAt;
    expect(Math.abs(uptimeMs / 1000 - Number(info['uptime_seconds']))).toBeLessThanOrEqual(1);
  });

  it('adds the app’s own facts after the common ones, read per request, never replacing one', () => {
    let active = ['a'];
    const info = adminInfo(FACTS, () => ({
      active_jobs: active,
      service: 'impostor',
      queue_prefix: 'x',
    }));
    expect(info()).toMatchObject({ service: 'api', queue_prefix: 'bull', active_jobs: ['a'] });
    expect(Object.keys(info())).toEqual([...COMMON_INFO_KEYS, 'active_jobs']);
    active = ['a', 'b'];
    expect(info()['active_jobs']).toEqual(['a', 'b']);
  });
});

it('is the same file as the worker’s copy, so both apps report the same keys', () => {
  const own = readFileSync(new URL('./admin-info.ts', import.meta.url), 'utf8');
  const worker = readFileSync(
    new URL('../../../worker/src/admin-info.ts', import.meta.url),
    'utf8',
  );
  expect(worker).toBe(own);
});

it('is documented with every common key in both apps’ READMEs', () => {
  for (const readme of ['../../README.md', '../../../worker/README.md']) {
    const text = readFileSync(new URL(readme, import.meta.url), 'utf8');
    for (const key of COMMON_INFO_KEYS) expect(text, `${readme}: ${key}`).toContain(`\`${key}\``);
  }
});
