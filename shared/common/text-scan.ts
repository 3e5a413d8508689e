/**
 * The two pieces every hand-written, linear-time scanner of fetched text is built from: JavaScript's
 * `\s`, so a scanner accepts what the regular expression it replaces did, and a forward cursor that
 * finds the next index where a condition holds without reading any index twice.
 */

/** What `\s` matches in a JavaScript regular expression. */
export function isJsWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * The first index at or after a position where `accept` holds, or `length` when there is none.
 * It remembers its last answer: no accepted index lies between the last query and that answer, so any
 * later query inside that stretch is answered at once, whatever order queries come in. When a
 * scanner's queries of one cursor move forward, the cursor tests each index at most once over the
 * whole scan: that is what keeps the scanners built on it linear.
 */
export class NextIndex {
  private queriedAt = -1;
  private answer = -1;

  constructor(
    private readonly length: number,
    private readonly accept: (index: number) => boolean,
  ) {}

  find(from: number): number {
    if (from >= this.queriedAt && from <= this.answer) return this.answer;
    let index = from;
    while (index < this.length && !this.accept(index)) index += 1;
    this.queriedAt = from;
    this.answer = index;
    return index;
  }
}
