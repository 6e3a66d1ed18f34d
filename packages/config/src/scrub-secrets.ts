import type { ConfigProblem } from './config-error.js';
import { REDACTED } from './redact.js';

/** Shorter strings are too likely to occur by chance to be scrubbed. */
const MIN_SECRET_LENGTH = 4;

/** The strings worth scrubbing from a sensitive value: the whole text and a URL's user name and password. */
export function secretTexts(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  const texts = [value, value.trim()];
  if (URL.canParse(value)) {
    const url = new URL(value);
    texts.push(decodeURIComponent(url.password), url.password);
  }
  return texts.filter((t) => t.length >= MIN_SECRET_LENGTH);
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * Replaces every occurrence of a known secret (any value given to a sensitive key) in every problem,
 * so a secret pasted into the wrong, non-sensitive variable does not reach stderr either.
 */
export function scrubProblems(
  problems: readonly ConfigProblem[],
  secrets: Iterable<string>,
): ConfigProblem[] {
  const sorted = [...new Set(secrets)].sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return [...problems];
  return problems.map((p) => ({
    ...p,
    key: scrub(p.key, sorted),
    received: p.received === undefined ? undefined : scrub(p.received, sorted),
    source: p.source === undefined ? undefined : scrub(p.source, sorted),
    message: scrub(p.message, sorted),
  }));
}
