import { replaceInlineTags, replaceMarkdownLinks } from '../common/markdown-inline';

/**
 * The text of a markdown body as a reader sees it, for measuring: link and image text kept, their
 * targets, inline tags and bare URLs dropped. Linear in the body's length (see markdown-inline.ts):
 * the regular expressions this replaces were quadratic on bodies such as `[a](` repeated.
 */
export function visibleText(body: string): string {
  const label = (text: string) => ` ${text} `;
  const withoutImages = replaceMarkdownLinks(body, 'images', label);
  const withoutLinks = replaceMarkdownLinks(withoutImages, 'links', label);
  return replaceInlineTags(withoutLinks, ' ').replace(BARE_URL, ' ');
}

/** Linear: a match runs to the next whitespace and is consumed, and a failed try costs O(1). */
const BARE_URL = /\bhttps?:\/\/\S+/g;

/** Bounded: an unbounded `+` over a Unicode property overflows the regular expression stack on a long run. */
const LETTER_RUNS = /[\p{L}\p{N}]{1,1024}/gu;

/** Letters and digits (code points of Unicode categories L and N) in `text`. */
export function countLettersAndDigits(text: string): number {
  let count = 0;
  for (const match of text.matchAll(LETTER_RUNS)) {
    const run = match[0];
    count += run.length;
    // A letter outside the BMP is two UTF-16 units but one letter.
    for (let i = 0; i < run.length; i++) {
      const code = run.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff) count--;
    }
  }
  return count;
}
