/**
 * Linear-time scanners for the inline markdown that noticewatch strips when it measures a body or
 * names a section: links, images, strong and emphasis. Each one does exactly what the regular
 * expression quoted in its comment does, but runs in time linear in its input: those expressions
 * retry from every opening bracket or delimiter of a body such as `[a](` or `**x ` repeated, which
 * is quadratic (320 KB of `[a](` took 11 s), and a fetched body is hostile input.
 *
 * The trick is the same everywhere: the closing character a match needs is the first suitable one
 * after its opener, and openers are tried left to right, so a cursor that only moves forward finds
 * every closing with one scan of the text.
 */

import { isJsWhitespace, NextIndex } from './text-scan';

/** The first index at or after a position of one character; positions asked for only grow. */
class NextChar {
  private found = -2;

  constructor(
    private readonly text: string,
    private readonly char: string,
  ) {}

  at(from: number): number {
    if (this.found === -1) return -1;
    if (this.found < from) this.found = this.text.indexOf(this.char, from);
    return this.found;
  }
}

/**
 * Replaces `[label](target)` with `wrap(label)`. The label runs to the first `]`, which must be
 * followed by `(`, and the target to the first `)` after it.
 * - `images`: `/!\[([^\]]*)\]\([^)]*\)/g` (only `![label](target)`);
 * - `links`: `/\[([^\]]*)\]\([^)]*\)/g` (an image's `!` is left in place);
 * - `both`: `/!?\[([^\]]*)\]\([^)]*\)/g` (an image's `!` goes with it).
 */
export function replaceMarkdownLinks(
  text: string,
  kind: 'images' | 'links' | 'both',
  wrap: (label: string) => string,
): string {
  const opener = kind === 'images' ? '![' : '[';
  const closeBracket = new NextChar(text, ']');
  const closeParen = new NextChar(text, ')');
  const parts: string[] = [];
  let copied = 0;
  let from = 0;
  for (;;) {
    const start = text.indexOf(opener, from);
    if (start < 0) break;
    const labelStart = start + opener.length;
    const bracket = closeBracket.at(labelStart);
    // No `]` (or no `)`) after this opener means none after any later opener either.
    if (bracket < 0) break;
    if (text.charCodeAt(bracket + 1) !== 0x28 /* ( */) {
      from = start + 1;
      continue;
    }
    const paren = closeParen.at(bracket + 2);
    if (paren < 0) break;
    // `!?` takes a `!` just before the bracket, unless an earlier match already consumed it.
    const matchStart = kind === 'both' && start > copied && text.charCodeAt(start - 1) === 0x21 ? start - 1 : start;
    parts.push(text.slice(copied, matchStart), wrap(text.slice(labelStart, bracket)));
    copied = from = paren + 1;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/** `<...>` within one line becomes `replacement`, as `/<[^>\n]*>/g` does. */
export function replaceInlineTags(text: string, replacement: string): string {
  const closeAngle = new NextChar(text, '>');
  const newline = new NextChar(text, '\n');
  const parts: string[] = [];
  let copied = 0;
  let from = 0;
  for (;;) {
    const start = text.indexOf('<', from);
    if (start < 0) break;
    const end = closeAngle.at(start + 1);
    if (end < 0) break;
    const lineEnd = newline.at(start + 1);
    if (lineEnd >= 0 && lineEnd < end) {
      // Every `<` before this newline meets it before a `>` too.
      from = lineEnd + 1;
      continue;
    }
    parts.push(text.slice(copied, start), replacement);
    copied = from = end + 1;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/** What `.` does not match (without the `s` flag). */
function isLineTerminator(code: number): boolean {
  return code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

function isLetterOrDigitAt(text: string, index: number): boolean {
  const code = text.codePointAt(index);
  if (code === undefined) return false;
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a);
  return LETTER_OR_DIGIT.test(String.fromCodePoint(code));
}

/**
 * `**text**` and `__text__` become `text`, as `/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g` does: the text
 * starts and ends with a non-space, stays on one line, and ends at the first delimiter that can close it.
 */
export function stripStrong(text: string): string {
  const length = text.length;
  const closing = (delimiter: number) =>
    new NextIndex(
      length,
      (q) =>
        text.charCodeAt(q) === delimiter &&
        text.charCodeAt(q + 1) === delimiter &&
        q > 0 &&
        !isJsWhitespace(text.charCodeAt(q - 1)),
    );
  const closeStars = closing(0x2a);
  const closeUnderscores = closing(0x5f);
  const terminator = new NextIndex(length, (i) => isLineTerminator(text.charCodeAt(i)));
  const parts: string[] = [];
  let copied = 0;
  let p = 0;
  while (p + 2 < length) {
    const code = text.charCodeAt(p);
    if (
      (code === 0x2a || code === 0x5f) &&
      text.charCodeAt(p + 1) === code &&
      !isJsWhitespace(text.charCodeAt(p + 2))
    ) {
      const q = (code === 0x2a ? closeStars : closeUnderscores).find(p + 3);
      // Both are `length` when there is none: a closing is taken only before the line ends.
      if (q < terminator.find(p + 2)) {
        parts.push(text.slice(copied, p), text.slice(p + 2, q));
        copied = p = q + 2;
        continue;
      }
    }
    p++;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/**
 * `*text*` and `_text_` between non-letters become `text`, as
 * `/(^|[^\p{L}\p{N}])([*_])(?=\S)(.+?)(?<=\S)\2(?=$|[^\p{L}\p{N}])/gu` does.
 */
export function stripEmphasis(text: string): string {
  const length = text.length;
  const closing = (delimiter: number) =>
    new NextIndex(
      length,
      (q) =>
        text.charCodeAt(q) === delimiter &&
        q > 0 &&
        !isJsWhitespace(text.charCodeAt(q - 1)) &&
        (q + 1 === length || !isLetterOrDigitAt(text, q + 1)),
    );
  const closeStar = closing(0x2a);
  const closeUnderscore = closing(0x5f);
  const terminator = new NextIndex(length, (i) => isLineTerminator(text.charCodeAt(i)));

  /** The end of a match whose delimiter is at `s`, or -1. */
  const matchFrom = (s: number): number => {
    const code = text.charCodeAt(s);
    if (code !== 0x2a && code !== 0x5f) return -1;
    if (s + 1 >= length || isJsWhitespace(text.charCodeAt(s + 1))) return -1;
    const q = (code === 0x2a ? closeStar : closeUnderscore).find(s + 2);
    return q < terminator.find(s + 1) ? q : -1;
  };

  const parts: string[] = [];
  let copied = 0;
  let p = 0;
  while (p < length) {
    const width = (text.codePointAt(p) ?? 0) > 0xffff ? 2 : 1;
    let s = -1;
    let q = -1;
    if (p === 0) {
      q = matchFrom(0);
      if (q >= 0) s = 0;
    }
    if (q < 0 && !isLetterOrDigitAt(text, p)) {
      q = matchFrom(p + width);
      if (q >= 0) s = p + width;
    }
    if (q >= 0) {
      parts.push(text.slice(copied, s), text.slice(s + 1, q));
      copied = p = q + 1;
      continue;
    }
    p += width;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}
