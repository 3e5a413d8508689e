import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  replaceInlineTags,
  replaceMarkdownLinks,
  stripEmphasis,
  stripStrong,
} from '../../shared/common/markdown-inline';
import { recordProperty } from '../support/reliability-tally';

/**
 * The scanners replace regular expressions that were quadratic on hostile text; on every input
 * they must give what those expressions gave (the expressions are kept here as the reference).
 */
const REFERENCE = {
  images: (text: string) => text.replace(/!\[([^\]]*)\]\([^)]*\)/g, ' $1 '),
  links: (text: string) => text.replace(/\[([^\]]*)\]\([^)]*\)/g, ' $1 '),
  both: (text: string) => text.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1'),
  tags: (text: string) => text.replace(/<[^>\n]*>/g, ' '),
  strong: (text: string) => text.replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2'),
  emphasis: (text: string) => text.replace(/(^|[^\p{L}\p{N}])([*_])(?=\S)(.+?)(?<=\S)\2(?=$|[^\p{L}\p{N}])/gu, '$1$3'),
};

const textOf = (pieces: string[]) => fc.array(fc.constantFrom(...pieces), { maxLength: 24 }).map((p) => p.join(''));
const linkText = textOf(['[', ']', '(', ')', '!', 'a', ' ', '\n', '<', '>', '$1', 'é']);
const emphasisText = textOf(['*', '_', '**', '__', 'a', '1', ' ', '.', '\n', '\u2028', '\u00a0', 'é', '𝐀', '😀']);

describe('linear inline markdown scanners', () => {
  it('replace links, images and inline tags exactly as the reference expressions (property)', () => {
    fc.assert(
      fc.property(linkText, (text) => {
        expect(replaceMarkdownLinks(text, 'images', (label) => ` ${label} `)).toBe(REFERENCE.images(text));
        expect(replaceMarkdownLinks(text, 'links', (label) => ` ${label} `)).toBe(REFERENCE.links(text));
        expect(replaceMarkdownLinks(text, 'both', (label) => label)).toBe(REFERENCE.both(text));
        expect(replaceInlineTags(text, ' ')).toBe(REFERENCE.tags(text));
      }),
      { numRuns: 3_000 },
    );
    recordProperty('inline link and tag scanners match their reference expressions');
  });

  it('strip strong and emphasis exactly as the reference expressions (property)', () => {
    fc.assert(
      fc.property(emphasisText, (text) => {
        expect(stripStrong(text)).toBe(REFERENCE.strong(text));
        expect(stripEmphasis(text)).toBe(REFERENCE.emphasis(text));
      }),
      { numRuns: 3_000 },
    );
    recordProperty('strong and emphasis scanners match their reference expressions');
  });

  it('handle the shapes that made the expressions quadratic, 1 MiB each, in well under a second', () => {
    const mib = 1024 * 1024;
    const cases: Array<[string, (text: string) => string]> = [
      ['[a]('.repeat(mib / 4), (text) => replaceMarkdownLinks(text, 'links', (label) => label)],
      ['![a]('.repeat(mib / 5), (text) => replaceMarkdownLinks(text, 'both', (label) => label)],
      ['<'.repeat(mib), (text) => replaceInlineTags(text, ' ')],
      ['**x '.repeat(mib / 4), stripStrong],
      ['_x '.repeat(mib / 3), stripEmphasis],
    ];
    for (const [text, scan] of cases) {
      const started = performance.now();
      scan(text);
      expect(performance.now() - started, text.slice(0, 8)).toBeLessThan(2_000);
    }
  });
});
