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

/** knex loads its driver by the `client` name; an example that names one needs that package. */
export const KNEX_DRIVERS: Readonly<Record<string, string>> = {
  pg: 'pg',
  postgres: 'pg',
  postgresql: 'pg',
  'better-sqlite3': 'better-sqlite3',
  sqlite3: 'sqlite3',
  mysql: 'mysql',
  mysql2: 'mysql2',
};

/** The knex drivers a block names in `client: '…'` (when it imports knex). */
export function knexDrivers(block: Pick<ReadmeBlock, 'code' | 'imports'>): string[] {
  if (!block.imports.includes('knex')) return [];
  return [...block.code.matchAll(/\bclient:\s*['"]([\w-]+)['"]/g)].map(
    (match) => KNEX_DRIVERS[match[1]!] ?? match[1]!,
  );
}

/**
 * The packages a README's install section tells the reader to install: every `npm i`,
 * `npm install`, `pnpm add` or `yarn add` line of the shell blocks under its `## Install` heading,
 * without flags, comments or version ranges. Undefined when it has no such line.
 */
export function installedPackages(markdown: string): string[] | undefined {
  const section = /^## Install\b[^\n]*\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown)?.[1];
  if (section === undefined) return undefined;
  const names: string[] = [];
  let found = false;
  for (const block of section.matchAll(/^```(?:sh|bash|shell|console)\n([\s\S]*?)^```/gm)) {
    for (const line of block[1]!.split('\n')) {
      const command =
        /^\s*\$?\s*(?:npm\s+(?:i|install|add)|pnpm\s+(?:add|i|install)|yarn\s+add)\s+(.*)$/.exec(
          line.replace(/\s#.*$/, ''),
        );
      if (command === null) continue;
      found = true;
      for (const word of command[1]!.split(/\s+/).filter(Boolean)) {
        if (word.startsWith('-')) continue;
        names.push(word.replace(/(?<=.)@[^@/]*$/, ''));
      }
    }
  }
  return found ? names : undefined;
}

/**
 * What a README's install section leaves out: each package its runnable examples (not the
 * fragments, which only illustrate) import or need as a knex driver, and the package itself.
 */
export function installLineProblems(
  packageName: string,
  markdown: string,
  blocks: readonly ReadmeBlock[] = readmeBlocks(markdown),
): string[] {
  const installed = installedPackages(markdown);
  if (installed === undefined) {
    return [`has no \`npm i ${packageName}\` line in a shell block under "## Install"`];
  }
  const problems: string[] = [];
  if (!installed.includes(packageName))
    problems.push(`the install line does not name ${packageName}`);
  const needed = new Map<string, number>();
  for (const block of blocks) {
    if (block.marker.kind === 'fragment') continue;
    for (const name of [...block.imports.map(packageNameOf), ...knexDrivers(block)]) {
      if (!needed.has(name)) needed.set(name, block.line);
    }
  }
  for (const [name, line] of needed) {
    if (!installed.includes(name)) {
      problems.push(
        `the example at line ${line} needs ${name}, which the install line (${installed.join(' ')}) does not install`,
      );
    }
  }
  return problems;
}
