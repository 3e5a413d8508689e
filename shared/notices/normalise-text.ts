/**
 * Canonical form of notice text, so that re-fetching the same published text always hashes the
 * same. Idempotent: normaliseText(normaliseText(x)) === normaliseText(x).
 *
 * Besides line endings, NFC and blank lines, a few invisible characters are changed, because CMSs
 * insert or drop them between renderings of an unchanged text and they would show up as drift:
 * - U+FEFF (BOM / zero-width no-break space), U+200B (zero-width space) and U+2060 (word joiner)
 *   are removed: they carry no meaning in notice text.
 * - U+00A0 (no-break space) and U+202F (narrow no-break space) become a plain space: `&nbsp;` and
 *   space are swapped freely by editors, and turndown emits both.
 * Deliberately kept: U+200C/U+200D (ZWNJ/ZWJ change how Persian, Indic scripts and emoji read),
 * U+00AD soft hyphens, and leading indentation (it is significant in markdown).
 * Trailing spaces go too, even though two of them are a markdown hard break: the issue asks for
 * it, and a hard break turning into a soft one is not a change in what the notice says.
 */
/** A leading BOM dropped and every CRLF or lone CR made LF: the form every parser here reads. */
export function toLf(text: string): string {
  return text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
}

export function normaliseText(text: string): string {
  const clean = text
    .replace(/\r\n?/g, '\n')
    .replace(/[\ufeff\u200b\u2060]/g, '')
    .replace(/[\u00a0\u202f]/g, ' ')
    .normalize('NFC');

  // One scan over the lines: trailing spaces and tabs cut, leading and trailing blank lines dropped,
  // runs of blank lines collapsed to one. By hand rather than with `/[ \t]+$/` on every line, which
  // is quadratic on a long run of blanks followed by text, and without an array of every line.
  const kept: string[] = [];
  let blankPending = false;
  let start = 0;
  while (start <= clean.length) {
    let end = clean.indexOf('\n', start);
    if (end < 0) end = clean.length;
    let last = end;
    while (last > start) {
      const code = clean.charCodeAt(last - 1);
      if (code !== 0x20 && code !== 0x09) break;
      last--;
    }
    if (last === start) {
      blankPending = kept.length > 0;
    } else {
      if (blankPending) kept.push('');
      blankPending = false;
      kept.push(clean.slice(start, last));
    }
    start = end + 1;
  }
  return kept.length === 0 ? '' : `${kept.join('\n')}\n`;
}
