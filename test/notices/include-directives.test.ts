import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { findIncludeDirectives } from '../../shared/notices';

/**
 * The regular expression the scanner replaced: the reference for what a directive is. It is only
 * run here on short texts, where its quadratic worst case does not matter.
 */
const REFERENCE_PATTERN =
  /\[\s*!\s*include\s*\[([^\]\n]*)\]\s*\(\s*<?([^)\s<>]+)>?(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)\s*\]/gi;

function referenceDirectives(text: string) {
  return [...text.matchAll(REFERENCE_PATTERN)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    title: match[1].trim(),
    path: match[2],
  }));
}

const MiB = 1024 * 1024;

/** Hostile shapes: openings that never close, repeated, the way a backtracking pattern goes quadratic. */
const ADVERSARIAL_UNITS: Record<string, string> = {
  'opening bracket, bang and keyword': '[!include[',
  'opening with spaced title': '[!INCLUDE [a](',
  'opening with title, no space': '[!INCLUDE[a](',
  'unclosed quoted link title': '[!include[a](b "',
  'angle-bracketed path never closed': '[!include[a](<b',
  'brackets only': '[',
  'spaced opening': '[ ! include [ ',
  'complete directives back to back': '[!include[a](b.md)]',
  'backtick runs': '`` ` ```x',
  'fences opening and closing': '```\n[!include[a](b)]\n```\n',
  'newlines between parts': '[\n!\ninclude\n[a]\n(\n',
};

/** The unit repeated to at most `bytes` characters. */
function repeated(unit: string, bytes: number): string {
  return unit.repeat(Math.floor(bytes / unit.length));
}

/**
 * Best of five for each size, interleaved, so that a busy machine (other test files run beside
 * this one) or a garbage collection lands on one measurement and not on the ratio.
 */
function timeSizes(unit: string): { small: number; large: number } {
  const small = repeated(unit, MiB);
  const large = repeated(unit, 5 * MiB);
  const best = { small: Infinity, large: Infinity };
  for (let attempt = 0; attempt < 5; attempt += 1) {
    for (const [size, text] of [
      ['small', small],
      ['large', large],
    ] as const) {
      const started = performance.now();
      findIncludeDirectives(text);
      best[size] = Math.min(best[size], performance.now() - started);
    }
  }
  return best;
}

describe('findIncludeDirectives', () => {
  it('finds exactly what the reference pattern finds, on texts made of directive fragments', () => {
    const fragment = fc.constantFrom(
      '[',
      ']',
      '(',
      ')',
      '!',
      'include',
      'INCLUDE',
      'Include',
      ' ',
      '\n',
      '\t',
      '<',
      '>',
      '"',
      "'",
      'a.md',
      '../x.md',
      'title',
      '[!include[',
      '](',
      ')]',
      '\u00a0',
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(findIncludeDirectives(text)).toEqual(referenceDirectives(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes time linear in the text on every adversarial shape (5 MiB within 10 times 1 MiB)', () => {
    const slow: string[] = [];
    for (const [name, unit] of Object.entries(ADVERSARIAL_UNITS)) {
      const { small, large } = timeSizes(unit);
      // Below about 50 ms the ratio is timer and garbage-collector noise (a busy CI machine showed 31
      // against 384 ms for a scan that is linear up to 20 MiB). A quadratic scan still fails by far:
      // one that takes 50 ms at 1 MiB takes over 1.2 s at 5 MiB.
      if (large > 10 * Math.max(small, 50))
        slow.push(`${name}: 1 MiB ${small.toFixed(0)} ms, 5 MiB ${large.toFixed(0)} ms`);
    }
    expect(slow).toEqual([]);
  }, 120_000);

  it('scans 5 MiB of unclosed openings in well under a second', () => {
    const started = performance.now();
    expect(findIncludeDirectives(repeated('[!include[', 5 * MiB))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('masks inline code spans by pairing backtick runs of equal length', () => {
    const text = 'a `` x ` [!INCLUDE[in](code.md)] `` b [!INCLUDE[out](real.md)] ` unpaired [!INCLUDE[t](also.md)]';
    expect(findIncludeDirectives(text).map((directive) => directive.path)).toEqual(['real.md', 'also.md']);
  });
});
