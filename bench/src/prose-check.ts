/**
 * A figure as prose quotes it: `4,758`, `0.67`, `97`, `10k`. Not part of a word or version
 * (`p99`, `v24.1`), and never inside backticks: code and commands are not figures.
 */
const FIGURE = /(?<![\p{L}\d_.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?k?(?![\p{L}\d_])/gu;

export function figuresIn(text: string): string[] {
  const withoutCode = text.replace(/`[^`\n]*`/g, ' ').replace(/\]\([^)]*\)/g, '] ');
  return [...withoutCode.matchAll(FIGURE)].map((match) => match[0]);
}

/** Figures the analysis quotes that the generated tables (and run description) do not hold. */
export function unbackedFigures(analysis: string, generated: string): string[] {
  const held = new Set(figuresIn(generated));
  return [...new Set(figuresIn(analysis))].filter((figure) => !held.has(figure));
}
