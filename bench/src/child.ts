import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface Child {
  readonly process: ChildProcess;
  /** The first JSON line the child printed (its port, or its result). */
  readonly ready: Promise<Record<string, unknown>>;
  /** Every JSON line the child prints, in order. */
  readonly messages: Record<string, unknown>[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  stop(): Promise<void>;
}

/**
 * The command line of a Node.js process on the pinned core, if any: `taskset -c N node …`; `node`
 * is the runner's own Node.js unless another binary is given (`--compare-node`).
 */
export function pinned(
  cpu: readonly string[],
  args: readonly string[],
  node: string = process.execPath,
): [string, string[]] {
  const [command = node, ...rest] = [...cpu, node, ...args];
  return [command, rest];
}

export interface ChildOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** The Node.js binary; the runner's own by default. */
  readonly node?: string;
}

/**
 * Starts `dist/children/<name>.js` with arguments, on the given core (`taskset` execs node, so the
 * child's pid is node's); children talk back in `@bench {json}` lines on stdout.
 */
export function startChild(
  name: string,
  args: readonly string[],
  cpu: readonly string[],
  options: ChildOptions = {},
): Child {
  const script = fileURLToPath(new URL(`./children/${name}.js`, import.meta.url));
  const [command, commandArgs] = pinned(cpu, [script, ...args], options.node);
  const child = spawn(command, commandArgs, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...options.env },
  });
  const messages: Record<string, unknown>[] = [];
  let resolveReady: (value: Record<string, unknown>) => void = () => undefined;
  let rejectReady: (error: Error) => void = () => undefined;
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    // Children may log too; what they say to the runner is marked.
    if (!line.startsWith('@bench ')) return;
    const message = JSON.parse(line.slice('@bench '.length)) as Record<string, unknown>;
    messages.push(message);
    if (messages.length === 1) resolveReady(message);
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    rejectReady(
      new Error(
        `bench child ${name} ${args.join(' ')} exited (${String(code ?? signal)}) before it was ready`,
      ),
    );
    return {
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
      at: performance.now(),
    };
  });
  return {
    process: child,
    ready,
    messages,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A number the child reported; a missing one is a bug in the child, said plainly. */
export function reported(message: Record<string, unknown>, key: string): number {
  const value = message[key];
  if (typeof value !== 'number')
    throw new Error(`bench child reported no number "${key}": ${JSON.stringify(message)}`);
  return value;
}
