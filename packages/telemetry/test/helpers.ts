import { fileURLToPath } from 'node:url';
import { spawnNode, type NodeProcess } from '@shipshape/testkit';
import { vi } from 'vitest';

/** The package root: `@shipshape/telemetry/register` resolves from here (package self-reference). */
export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

export const REGISTER = ['--import', '@shipshape/telemetry/register'] as const;

/** This process's environment without any OTEL_* variable, plus `extra`. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')),
  );
  return { ...env, ...extra };
}

export function startNode(
  args: readonly string[],
  env: Record<string, string | undefined>,
): NodeProcess {
  return spawnNode(args, { env, cwd: PACKAGE_DIR });
}

/** Waits for the first stdout line that parses as JSON and satisfies `match`. */
export async function waitForJsonLine(
  child: NodeProcess,
  match: (line: Record<string, unknown>) => boolean,
  timeoutMs = 15_000,
): Promise<Record<string, unknown>> {
  return vi.waitFor(
    () => {
      for (const line of child.stdoutLines) {
        const parsed = parseJsonLine(line);
        if (parsed !== undefined && match(parsed)) return parsed;
      }
      if (child.hasExited())
        throw new Error(`child exited early:\n${child.stdout()}\n${child.stderr()}`);
      throw new Error(`no matching line yet; stderr so far:\n${child.stderr()}`);
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{') || !line.endsWith('}')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
