import { isBuiltin } from 'node:module';

/**
 * How a README code block is run, from an HTML comment on the lines just before it (blank lines
 * may separate them; the comment is invisible on GitHub and npm):
 *
 *   (no comment)                                      run it; it must exit 0 by itself
 *   <!-- example: server, then SIGTERM -->            run it; once it listens on every port its
 *                                                     code names in `.listen(<number>)` (any port
 *                                                     when it names none), send SIGTERM; it must
 *                                                     then exit 0 by itself
 *   <!-- example: server, then SIGTERM; ready: <url> -->   …and wait until GET <url> answers 2xx
 *   <!-- example: fragment -->                        type-check it, never run it
 *   …; env: NAME=value OTHER=value                    extra environment for the run
 *
 * A block whose first line is a comment naming a file (`// src/config.ts`) is written to that
 * path, so a later block can import it (`./config.js`); every other block gets its own file.
 */
export interface ExampleMarker {
  readonly kind: 'run' | 'server' | 'fragment';
  /** The signal a server example is stopped with. */
  readonly signal: NodeJS.Signals;
  /** A URL that must answer 2xx before the signal is sent. */
  readonly ready: string | undefined;
  readonly env: Readonly<Record<string, string>>;
}

export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  /** The block's text, exactly as in the README. */
  readonly code: string;
  readonly marker: ExampleMarker;
  /** Where the block is written in the blank project (relative path). */
  readonly file: string;
  /** Bare module specifiers it imports (`express`, `@shipshape/health/checks`, …), builtins excluded. */
  readonly imports: readonly string[];
}

const LANG_EXTENSION: Readonly<Record<string, string>> = {
  ts: '.ts',
  typescript: '.ts',
  mts: '.mts',
  js: '.js',
  javascript: '.js',
  mjs: '.mjs',
};

const MARKER = /<!--\s*example:\s*([\s\S]*?)\s*-->\s*$/;

export function parseMarker(text: string | undefined): ExampleMarker {
  const marker: {
    kind: ExampleMarker['kind'];
    signal: NodeJS.Signals;
    ready: string | undefined;
    env: Record<string, string>;
  } = { kind: 'run', signal: 'SIGTERM', ready: undefined, env: {} };
  if (text === undefined) return marker;
  const [head = '', ...clauses] = text.split(';').map((part) => part.trim());
  const kind = /^(run|server|fragment)\b(?:,\s*then\s+(SIG[A-Z]+))?$/.exec(head);
  if (kind === null) {
    throw new Error(
      `unknown example marker "${text}": expected run, server[, then SIGTERM] or fragment`,
    );
  }
  marker.kind = kind[1] as ExampleMarker['kind'];
  if (kind[2] !== undefined) marker.signal = kind[2] as NodeJS.Signals;
  for (const clause of clauses) {
    const [key = '', ...rest] = clause.split(':');
    const value = rest.join(':').trim();
    if (key === 'ready') marker.ready = value;
    else if (key === 'env') {
      for (const pair of value.split(/\s+/).filter(Boolean)) {
        const at = pair.indexOf('=');
        if (at <= 0) throw new Error(`example marker env "${pair}" is not NAME=value`);
        marker.env[pair.slice(0, at)] = pair.slice(at + 1);
      }
    } else throw new Error(`unknown clause "${clause}" in example marker "${text}"`);
  }
  return marker;
}

/** Package names and subpaths a block imports or requires, in order, without duplicates. */
export function bareImports(code: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) continue;
      found.add(specifier);
    }
  }
  return [...found];
}

/** `express` → `express`, `@scope/name/sub` → `@scope/name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** The TypeScript and JavaScript blocks of a README, with how each is to be run. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]!);
    if (open === null) continue;
    const fence = open[2]!;
    const lang = open[3]!.toLowerCase();
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence)) end++;
    const code = `${lines.slice(i + 1, end).join('\n')}\n`;
    const extension = LANG_EXTENSION[lang];
    if (extension !== undefined) {
      let before = i - 1;
      while (before >= 0 && lines[before]!.trim() === '') before--;
      const comment = before >= 0 ? MARKER.exec(lines[before]!) : null;
      const named = /^\/\/\s*((?:[\w.-]+\/)*[\w.-]+\.[cm]?[jt]s)\b/.exec(code);
      const file =
        named?.[1] !== undefined && !named[1].split('/').includes('..')
          ? named[1]
          : `readme-${i + 1}${extension}`;
      blocks.push({
        line: i + 1,
        lang,
        code,
        marker: parseMarker(comment?.[1]),
        file,
        imports: bareImports(code),
      });
    }
    i = end;
  }
  return blocks;
}
