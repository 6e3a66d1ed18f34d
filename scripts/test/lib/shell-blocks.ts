import { spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * The ```sh and ```bash blocks of a Markdown file and how each is run, from an HTML comment on the
 * lines just before it (blank lines may separate them; the comment shows in the Markdown source,
 * not on GitHub):
 *
 *   (no comment)                         run it from the repository root with `bash -e`; it must
 *                                        exit 0 by itself
 *   <!-- run: against the demo -->       run it the same way while `npm run demo` is up, with the
 *                                        demo's default ports (3000, 9464, 9465) replaced by the
 *                                        ones the test started it on
 *   <!-- not run: <why> -->              never run; the reason is required and says what it needs
 *                                        (a Docker engine, a cluster, minutes, a global install)
 *
 * Any other comment that starts with "run" or "not run" is a mistake and throws.
 */
export type ShellMarker =
  | { readonly kind: 'run' }
  | { readonly kind: 'demo' }
  | { readonly kind: 'not-run'; readonly reason: string };

export interface ShellBlock {
  /** The Markdown file, as given (a path relative to the repository, for messages). */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: 'sh' | 'bash';
  /** The nearest heading above the block (`## Five minutes with the demo`), without the #s. */
  readonly section: string;
  /** The block's text, exactly as in the file. */
  readonly code: string;
  readonly marker: ShellMarker;
}

const FENCE = /^```([\w-]*)\s*$/;
const COMMENT = /^<!--\s*([\s\S]*?)\s*-->$/;

export function parseShellMarker(comment: string | undefined): ShellMarker {
  if (comment === undefined) return { kind: 'run' };
  const notRun = /^not run\s*:\s*(.*)$/s.exec(comment);
  if (notRun) {
    const reason = notRun[1]?.trim() ?? '';
    if (reason === '') throw new Error(`"<!-- not run: -->" needs a reason: ${comment}`);
    return { kind: 'not-run', reason };
  }
  if (/^run\s*:\s*against the demo$/.test(comment)) return { kind: 'demo' };
  if (/^(not\s+)?run\b/.test(comment))
    throw new Error(
      `unknown shell block marker "<!-- ${comment} -->": expected "not run: <why>" or "run: against the demo"`,
    );
  return { kind: 'run' };
}

/** Every ```sh and ```bash block of `markdown`, with its marker. */
export function shellBlocks(markdown: string, file: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) section = heading[1] ?? '';
    const fence = FENCE.exec(line);
    if (!fence) continue;
    const lang = fence[1] ?? '';
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end++;
    if (end === lines.length) throw new Error(`${file}:${i + 1}: code block never closed`);
    if (lang === 'sh' || lang === 'bash') {
      let before = i - 1;
      while (before >= 0 && (lines[before] ?? '').trim() === '') before--;
      const comment = COMMENT.exec((lines[before] ?? '').trim())?.[1];
      let marker: ShellMarker;
      try {
        marker = parseShellMarker(comment);
      } catch (error) {
        throw new Error(`${file}:${i + 1}: ${(error as Error).message}`, { cause: error });
      }
      blocks.push({
        file,
        line: i + 1,
        lang,
        section,
        code: lines.slice(i + 1, end).join('\n'),
        marker,
      });
    }
    i = end;
  }
  return blocks;
}

/** The ports `npm run demo` listens on by default, as the README's tour names them. */
export const DEMO_DEFAULT_PORTS = { api: 3000, apiAdmin: 9464, workerAdmin: 9465 } as const;
export type DemoPorts = { readonly [K in keyof typeof DEMO_DEFAULT_PORTS]: number };

/** `code` with every `127.0.0.1:<default demo port>` moved to the running demo's port. */
export function withDemoPorts(code: string, ports: DemoPorts): string {
  let moved = code;
  for (const key of Object.keys(DEMO_DEFAULT_PORTS) as (keyof DemoPorts)[]) {
    moved = moved.replaceAll(
      new RegExp(`127\\.0\\.0\\.1:${DEMO_DEFAULT_PORTS[key]}\\b`, 'g'),
      `127.0.0.1:${ports[key]}`,
    );
  }
  return moved;
}

export interface ShellRun {
  readonly block: ShellBlock;
  /** What was run: the block's code, with the demo's ports for a demo block. */
  readonly script: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** stdout and stderr, interleaved as they came. */
  readonly output: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Required to run a block marked `run: against the demo`. */
  readonly demoPorts?: DemoPorts;
}

/**
 * Runs one block with `bash -e` (a failing command stops it and fails it, as a reader would stop
 * there), in its own process group, killed as a whole when it outlives `timeoutMs`.
 */
export async function runShellBlock(block: ShellBlock, options: RunOptions): Promise<ShellRun> {
  if (block.marker.kind === 'not-run')
    throw new Error(`${block.file}:${block.line} is marked not run`);
  let script = block.code;
  if (block.marker.kind === 'demo') {
    if (options.demoPorts === undefined)
      throw new Error(`${block.file}:${block.line} runs against the demo: start it first`);
    script = withDemoPorts(block.code, options.demoPorts);
  }
  const started = Date.now();
  const child = spawn('bash', ['-e', '-c', script], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, options.timeoutMs);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { block, script, code, signal, timedOut, durationMs: Date.now() - started, output };
}

/** One line per run that did not exit 0 by itself, naming the block and showing its output. */
export function failedRuns(runs: readonly ShellRun[]): string[] {
  return runs
    .filter((run) => run.code !== 0 || run.timedOut)
    .map(
      (run) =>
        `${run.block.file}:${run.block.line} (${run.block.section}) ${
          run.timedOut ? 'timed out' : `exited ${run.code ?? run.signal}`
        }:\n${run.output}`,
    );
}
