import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { TestkitError } from './testkit-error.js';

export interface NetworkNamespaceOptions {
  /** Each command (`ip …`, a request from inside) is killed after this long. */
  readonly commandTimeoutMs?: number;
}

export const NETWORK_NAMESPACE_DEFAULTS = { commandTimeoutMs: 10_000 } as const;

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface NamespaceResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A network namespace joined to this host by a veth pair in a private /30: a caller from another address. */
export interface NetworkNamespace {
  readonly name: string;
  /** The host end: a server listening here or on 0.0.0.0 is reachable from inside. */
  readonly hostAddress: string;
  /** The address requests from inside come from (never loopback). */
  readonly namespaceAddress: string;
  /** Runs `command args…` inside the namespace. */
  run(command: string, args: readonly string[]): Promise<CommandResult>;
  /** `fetch()` from inside the namespace, in a Node child process. */
  fetch(
    url: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<NamespaceResponse>;
  /** Deletes the namespace and its veth pair; safe to call twice. */
  remove(): Promise<void>;
}

function command(file: string, args: readonly string[], timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr: stderr || (error?.message ?? '') });
    });
  });
}

/** A 10.213.x.0/30 that no interface of this host uses yet. */
async function freeSubnet(timeoutMs: number): Promise<number> {
  const { stdout } = await command('ip', ['-4', '-o', 'addr', 'show'], timeoutMs);
  const start = randomBytes(1)[0] ?? 0;
  for (let i = 0; i < 64; i++) {
    const x = (start + i) % 64;
    if (!stdout.includes(`10.213.${x * 4}.`)) return x * 4;
  }
  throw new TestkitError(
    'TESTKIT_NETNS_UNAVAILABLE',
    'no free 10.213.x.0/30 subnet for a veth pair',
  );
}

const FETCH_SCRIPT = `
const [url, init] = JSON.parse(process.argv[1]);
const response = await fetch(url, { ...init, signal: AbortSignal.timeout(${NETWORK_NAMESPACE_DEFAULTS.commandTimeoutMs / 2}) });
const body = await response.text();
process.stdout.write(JSON.stringify({ status: response.status, headers: Object.fromEntries(response.headers), body }));
`;

/**
 * Creates a network namespace with a veth pair: host end 10.213.x.1/30, inside 10.213.x.2/30.
 * Needs CAP_NET_ADMIN (root); otherwise rejects with `TESTKIT_NETNS_UNAVAILABLE` and leaves nothing behind.
 */
export async function createNetworkNamespace(
  options: NetworkNamespaceOptions = {},
): Promise<NetworkNamespace> {
  const timeoutMs = options.commandTimeoutMs ?? NETWORK_NAMESPACE_DEFAULTS.commandTimeoutMs;
  const id = randomBytes(3).toString('hex');
  const name = `shipshape-${id}`;
  const [hostLink, innerLink] = [`ss${id}h`, `ss${id}n`];
  const subnet = await freeSubnet(timeoutMs);
  const hostAddress = `10.213.${subnet}.1`;
  const namespaceAddress = `10.213.${subnet}.2`;
  const remove = async (): Promise<void> => {
    await command('ip', ['netns', 'delete', name], timeoutMs);
    await command('ip', ['link', 'delete', hostLink], timeoutMs);
  };
  const steps: (readonly string[])[] = [
    ['netns', 'add', name],
    ['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', innerLink],
    ['link', 'set', innerLink, 'netns', name],
    ['addr', 'add', `${hostAddress}/30`, 'dev', hostLink],
    ['link', 'set', hostLink, 'up'],
    ['-n', name, 'addr', 'add', `${namespaceAddress}/30`, 'dev', innerLink],
    ['-n', name, 'link', 'set', innerLink, 'up'],
  ];
  for (const step of steps) {
    const result = await command('ip', step, timeoutMs);
    if (result.code !== 0) {
      await remove();
      throw new TestkitError(
        'TESTKIT_NETNS_UNAVAILABLE',
        `\`ip ${step.join(' ')}\` failed (${result.stderr.trim()}); network namespaces need root or CAP_NET_ADMIN`,
      );
    }
  }
  const run = (file: string, args: readonly string[]) =>
    command('ip', ['netns', 'exec', name, file, ...args], timeoutMs);
  return {
    name,
    hostAddress,
    namespaceAddress,
    run,
    async fetch(url, init = {}) {
      const args = ['--input-type=module', '-e', FETCH_SCRIPT, JSON.stringify([url, init])];
      const result = await run(process.execPath, args);
      if (result.code !== 0) {
        throw new TestkitError(
          'TESTKIT_NETNS_UNAVAILABLE',
          `fetch ${url} from namespace ${name} failed: ${result.stderr.trim()}`,
        );
      }
      return JSON.parse(result.stdout) as NamespaceResponse;
    },
    remove,
  };
}
