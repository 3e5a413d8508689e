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
  const lines = text
    .replace(/\r\n?/g, '\n')
    .replace(/[\ufeff\u200b\u2060]/g, '')
    .replace(/[\u00a0\u202f]/g, ' ')
    .normalize('NFC')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''));

  const out: string[] = [];
  for (const line of lines) {
    // Collapse runs of blank lines to one and drop leading blank lines.
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
