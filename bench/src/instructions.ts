import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { InstructionSample, InstructionsRecord } from './instructions-report.js';

/** The `http` case's stacks whose differences attribute the cost per component. */
export const INSTRUCTION_STACKS = [
  'bare',
  'shipshape-context',
  'shipshape-logger',
  'shipshape-metrics',
  'shipshape',
  'handwritten-pino',
] as const;

export interface InstructionOptions {
  readonly warmupRequests: number;
  readonly measuredRequests: number;
  readonly repetitions: number;
  /** Stacks measured at once (callgrind counts do not depend on what else runs). */
  readonly parallel: number;
  readonly machine: string;
  readonly log: (line: string) => void;
}

/** valgrind's version, or an error that says how to get it. */
export function valgrindVersion(): string {
  const result = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(
      'valgrind is needed to count instructions (Debian: apt-get install valgrind); it was not found',
    );
  return result.stdout.trim();
}

async function requestsOneAtATime(port: number, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < count; i++) {
      await new Promise<void>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/v1/items/42', agent }, (response) => {
          if (response.statusCode !== 200)
            reject(new Error(`GET /v1/items/42 answered ${String(response.statusCode)}`));
          response.resume();
          response.on('end', resolve);
        }).on('error', reject);
      });
    }
  } finally {
    agent.destroy();
  }
}

/** The callgrind total of one server process that answered `requests` requests, start-up included. */
async function countedRun(stack: string, requests: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-callgrind-'));
  const out = join(dir, 'callgrind.out');
  const script = fileURLToPath(new URL('./children/http-server.js', import.meta.url));
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${out}`,
      // V8 writes the code it compiles into anonymous memory: callgrind must see it change.
      '--smc-check=all-non-file',
      process.execPath,
      script,
      stack,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  try {
    const { port, logFile } = await new Promise<{ port: number; logFile: string }>(
      (resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          if (line.startsWith('@bench '))
            resolve(JSON.parse(line.slice(7)) as { port: number; logFile: string });
        });
        void exited.then(() =>
          reject(new Error(`${stack} under callgrind exited before it listened:\n${stderr}`)),
        );
      },
    );
    await requestsOneAtATime(port, requests);
    child.kill('SIGTERM');
    await exited;
    rmSync(logFile, { force: true });
    const total = /^(?:summary|totals): (\d+)/m.exec(readFileSync(out, 'utf8'))?.[1];
    if (total === undefined) throw new Error(`${stack}: callgrind wrote no total to ${out}`);
    return Number(total);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Counts every stack's instructions per request: two runs per repetition, `parallel` at a time. */
export async function countInstructions(options: InstructionOptions): Promise<InstructionsRecord> {
  const valgrind = valgrindVersion();
  const jobs: { stack: string; repetition: number }[] = [];
  for (let repetition = 0; repetition < options.repetitions; repetition++)
    for (const stack of INSTRUCTION_STACKS) jobs.push({ stack, repetition });
  const samples: Record<string, InstructionSample[]> = {};
  const next = async (): Promise<void> => {
    for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) {
      const shortRun = await countedRun(job.stack, options.warmupRequests);
      const longRun = await countedRun(
        job.stack,
        options.warmupRequests + options.measuredRequests,
      );
      (samples[job.stack] ??= []).push({ shortRun, longRun });
      options.log(
        `  ${job.stack} repetition ${job.repetition + 1}: ${Math.round((longRun - shortRun) / options.measuredRequests).toLocaleString('en')} instructions/request`,
      );
    }
  };
  await Promise.all(Array.from({ length: options.parallel }, next));
  return {
    when: new Date().toISOString(),
    node: process.version,
    valgrind,
    machine: options.machine,
    warmupRequests: options.warmupRequests,
    measuredRequests: options.measuredRequests,
    samples: Object.fromEntries(INSTRUCTION_STACKS.map((stack) => [stack, samples[stack] ?? []])),
  };
}
