import { describe, expect, it } from 'vitest';
import { parseBytes } from './bytes.js';
import { parseDuration } from './duration.js';
import { envNameFor } from './env-name.js';
import { isHost, resolveFormat } from './formats.js';
import type { SchemaLeaf } from './schema.js';

function rule(leaf: SchemaLeaf) {
  const resolved = resolveFormat(leaf);
  if (resolved === undefined) throw new Error('unknown format');
  return resolved;
}

function read(leaf: SchemaLeaf, text: string): unknown {
  const r = rule(leaf);
  const parsed = r.parse(text);
  return parsed.ok && r.accepts(parsed.value) ? parsed.value : 'INVALID';
}

describe('duration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['1.5s', 1_500],
    ['250', 250],
    [' 10S ', 10_000],
  ])('%s → %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(read({ format: 'duration', default: 0 }, text)).toBe(ms);
  });

  it.each(['', 'soon', '5x', '-1s', '1 s', 's5'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('accepts a number of ms from a file and rejects negative numbers', () => {
    const r = rule({ format: 'duration', default: 0 });
    expect(r.accepts(1500)).toBe(true);
    expect(r.accepts(-1)).toBe(false);
  });
});

describe('bytes', () => {
  it('parses sizes', () => {
    expect(parseBytes('100kb')).toBe(102_400);
    expect(parseBytes('1mb')).toBe(1_048_576);
    expect(parseBytes('512')).toBe(512);
    expect(parseBytes('lots')).toBeUndefined();
  });
});

describe('log-level', () => {
  it('accepts the four levels (any case) and nothing else', () => {
    const leaf: SchemaLeaf = { format: 'log-level', default: 'info' };
    expect(['error', 'warn', 'info', 'DEBUG'].map((t) => read(leaf, t))).toEqual([
      'error',
      'warn',
      'info',
      'debug',
    ]);
    expect(read(leaf, 'trace')).toBe('INVALID');
    expect(read(leaf, 'verbose')).toBe('INVALID');
  });
});

describe('url', () => {
  it('checks allowed protocols, with or without the trailing colon', () => {
    const leaf: SchemaLeaf = {
      format: 'url',
      protocols: ['postgres', 'postgresql:'],
      default: null,
    };
    expect(read(leaf, 'postgres://u:p@db:5432/x')).toBe('postgres://u:p@db:5432/x');
    expect(read(leaf, 'postgresql://db/x')).toBe('postgresql://db/x');
    expect(read(leaf, 'mysql://db/x')).toBe('INVALID');
    expect(read(leaf, 'not a url')).toBe('INVALID');
    expect(rule(leaf).label).toBe('url (postgres:, postgresql:)');
  });

  it('accepts any protocol when none is listed, and empty only when the default is empty', () => {
    expect(read({ format: 'url', default: 'http://x' }, 'ftp://files')).toBe('ftp://files');
    expect(read({ format: 'url', default: 'http://x' }, '')).toBe('INVALID');
    expect(read({ format: 'url', default: '' }, '')).toBe('');
  });
});

describe('port', () => {
  it('accepts integers 0-65535 only', () => {
    const leaf: SchemaLeaf = { format: 'port', default: 1 };
    expect(read(leaf, '0')).toBe(0);
    expect(read(leaf, '65535')).toBe(65_535);
    expect(read(leaf, '65536')).toBe('INVALID');
    expect(read(leaf, '80.5')).toBe('INVALID');
    expect(read(leaf, '8080abc')).toBe('INVALID');
    expect(read(leaf, '-1')).toBe('INVALID');
  });
});

describe('host', () => {
  it.each(['0.0.0.0', '::', '::1', '127.0.0.1', 'localhost', 'db.internal.example.com', 'api-1'])(
    'accepts %s',
    (h) => {
      expect(isHost(h)).toBe(true);
    },
  );
  it.each(['', 'http://x', 'a b', '-bad.example', 'bad-.example', 'x'.repeat(64), 'host:80'])(
    'rejects %j',
    (h) => {
      expect(isHost(h)).toBe(false);
    },
  );
});

describe('other formats', () => {
  it('booleans are strict', () => {
    const leaf: SchemaLeaf = { format: 'boolean', default: false };
    expect(['true', 'false', '1', '0'].map((t) => read(leaf, t))).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect(read(leaf, 'yes please')).toBe('INVALID');
  });

  it('enumerations accept listed values only', () => {
    const leaf: SchemaLeaf = { format: ['json', 'pretty'], default: 'json' };
    expect(read(leaf, 'pretty')).toBe('pretty');
    expect(read(leaf, 'xml')).toBe('INVALID');
    expect(rule(leaf).label).toBe('json | pretty');
  });

  it('a validator function decides; the format is read from the default type', () => {
    const even: SchemaLeaf = {
      format: (v: unknown) => {
        if (typeof v !== 'number' || v % 2 !== 0) throw new Error('must be even');
      },
      default: 2,
    };
    expect(read(even, '4')).toBe(4);
    expect(read(even, '5')).toBe('INVALID');
  });

  it('without a format the default type decides', () => {
    expect(read({ default: 3 }, '4.5')).toBe(4.5);
    expect(read({ default: 3 }, 'four')).toBe('INVALID');
    expect(read({ default: 'x' }, 'y')).toBe('y');
  });

  it('unknown format names are not resolved', () => {
    expect(resolveFormat({ format: 'email' as never, default: '' })).toBeUndefined();
  });
});

describe('envNameFor', () => {
  it.each([
    ['server.port', 'SERVER_PORT'],
    ['shutdown.drainDelay', 'SHUTDOWN_DRAIN_DELAY'],
    ['server.keepAliveTimeout', 'SERVER_KEEP_ALIVE_TIMEOUT'],
    ['http.HTTPServer', 'HTTP_HTTP_SERVER'],
    ['oauth2Client.id', 'OAUTH2_CLIENT_ID'],
  ])('%s → %s', (key, env) => {
    expect(envNameFor(key)).toBe(env);
  });
});
