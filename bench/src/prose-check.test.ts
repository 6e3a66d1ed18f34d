import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { figuresIn, unbackedFigures } from './prose-check.js';
import { splitResults } from './results-file.js';

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

describe('figures quoted in prose', () => {
  it('are read as prose writes them, and code is not prose', () => {
    expect(
      figuresIn(
        'bare Express 4,758 req/s, 0.70–0.75 × bare, 97 ms at 10k series, p99 on v24.11.1, ' +
          'about 1.2 s. Run `--rounds 5` [see](https://x/3)',
      ),
    ).toEqual(['4,758', '0.70', '0.75', '97', '10k', '1.2']);
  });

  it('are reported when the tables do not hold them', () => {
    const tables = '| shipshape | 3,166 (3,100–3,200) | 0.665 × |\n| targets | ≤ 20 ms |';
    expect(unbackedFigures('3,166 req/s is 0.665 × bare; the target is 20 ms.', tables)).toEqual(
      [],
    );
    expect(unbackedFigures('3,166 req/s, 0.67 × bare, blocked 97 ms', tables)).toEqual([
      '0.67',
      '97',
    ]);
  });

  it('in the analysis of RESULTS.md all appear in its generated tables', () => {
    const { generated, analysis } = splitResults(read('RESULTS.md'));
    expect(unbackedFigures(analysis, generated)).toEqual([]);
  });

  it('in ANALYSIS.md all appear in the tables of RESULTS.md, and RESULTS.md carries that text', () => {
    const { generated, analysis } = splitResults(read('RESULTS.md'));
    const source = read('ANALYSIS.md');
    expect(unbackedFigures(source, generated)).toEqual([]);
    const words = (text: string) => text.replace(/\s+/g, ' ').trim();
    expect(words(analysis)).toBe(words(source));
  });
});
