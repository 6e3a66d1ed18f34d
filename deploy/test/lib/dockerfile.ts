import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerDir } from './paths.js';

export interface Instruction {
  line: number;
  keyword: string;
  args: string;
}
export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

export function readDockerfile(): string {
  return readFileSync(join(dockerDir, 'Dockerfile'), 'utf8');
}

/** Splits a Dockerfile into instructions (continuations joined, comments dropped) and stages. */
export function parseDockerfile(text: string): Stage[] {
  const instructions: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (line.startsWith('#')) return;
    if (pending === '') start = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = `${pending}${line}`.trim();
    pending = '';
    const [keyword = '', ...rest] = full.split(/\s+/);
    instructions.push({ line: start, keyword: keyword.toUpperCase(), args: rest.join(' ') });
  });
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      stages.push({
        from: match?.[1] ?? '',
        name: match?.[2] ?? String(stages.length),
        instructions: [],
      });
    }
    stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}
