/**
 * Finding Microsoft Docs include directives in fetched markdown, in time linear in its length.
 *
 * The directive is `[!INCLUDE[title](path)]`, in any letter case, with optional white space between
 * its parts (`[!include [t] (p)]`), an empty title, a `<path>` and an optional link title
 * (`(path "tooltip")`). Formally, as the regular expression this scanner replaces:
 *
 *     \[\s*!\s*include\s*\[([^\]\n]*)\]\s*\(\s*<?([^)\s<>]+)>?(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)\s*\]   (gi)
 *
 * That expression, run by a backtracking engine, takes time quadratic in the text when the text
 * repeats an opening that never closes (`[!include[` a hundred thousand times), and fetched text is
 * hostile input: at the 5 MiB body cap it would hold the event loop for many minutes. The scanner
 * below accepts exactly the same language, but never reads a character twice for the same reason:
 * each variable-length part (title, path, quoted title, white space) is measured by a `NextStop`
 * cursor that remembers its last answer, and the parts after a title or after a path, which depend
 * only on where that title or path ends, are parsed once per end position.
 */

/** An include directive found in a text, by position; `title` trimmed, `path` as written. */
export interface IncludeDirective {
  start: number;
  end: number;
  title: string;
  path: string;
}

/** Finds include directives outside fenced code blocks and inline code spans. */
export function findIncludeDirectives(text: string): IncludeDirective[] {
  const masked = maskCode(text);
  const scanner = new DirectiveScanner(masked);
  const found: IncludeDirective[] = [];
  let from = 0;
  for (;;) {
    const open = masked.indexOf('[', from);
    if (open === -1) break;
    const directive = scanner.parseAt(open);
    if (!directive) {
      from = open + 1;
      continue;
    }
    // Masking keeps positions: title and path are read from the original text.
    found.push({
      start: open,
      end: directive.end,
      title: text.slice(directive.titleStart, directive.titleEnd).trim(),
      path: text.slice(directive.pathStart, directive.pathEnd),
    });
    from = directive.end;
  }
  return found;
}

const BRACKET_OPEN = 0x5b; // [
const BRACKET_CLOSE = 0x5d; // ]
const PAREN_OPEN = 0x28; // (
const PAREN_CLOSE = 0x29; // )
const ANGLE_OPEN = 0x3c; // <
const ANGLE_CLOSE = 0x3e; // >
const BANG = 0x21; // !
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const NEWLINE = 0x0a;
const BACKTICK = 0x60;
const INCLUDE_WORD = 'include';

/** The characters JavaScript's `\s` matches, so the scanner accepts what the regular expression did. */
function isWhiteSpace(code: number): boolean {
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
 * The first index at or after a position whose character stops a run (or the text's length).
 * It remembers its last answer: no stop lies between the last query and that answer, so any later
 * query inside that stretch is answered at once. The scanner's queries of one kind move forward,
 * so each cursor reads each character at most once over a whole scan.
 */
class NextStop {
  private queriedAt = -1;
  private answer = -1;

  constructor(
    private readonly text: string,
    private readonly stops: (code: number) => boolean,
  ) {}

  find(from: number): number {
    if (from >= this.queriedAt && from <= this.answer) return this.answer;
    let index = from;
    while (index < this.text.length && !this.stops(this.text.charCodeAt(index))) index += 1;
    this.queriedAt = from;
    this.answer = index;
    return index;
  }
}

interface ScannedDirective {
  end: number;
  titleStart: number;
  titleEnd: number;
  pathStart: number;
  pathEnd: number;
}

interface DirectiveTail {
  end: number;
  pathStart: number;
  pathEnd: number;
}

class DirectiveScanner {
  private readonly afterSpace: NextStop;
  private readonly titleEnd: NextStop;
  private readonly pathEnd: NextStop;
  private readonly doubleQuoted: NextStop;
  private readonly singleQuoted: NextStop;
  /** The tail after the last title end parsed, keyed by that end: openings nested in one title share it. */
  private lastTitle: { at: number; tail: DirectiveTail | null } | null = null;
  /** The tail after the last path end parsed, keyed by that end: paths that overlap end at the same place. */
  private lastPath: { at: number; end: number | null } | null = null;

  constructor(private readonly text: string) {
    this.afterSpace = new NextStop(text, (code) => !isWhiteSpace(code));
    this.titleEnd = new NextStop(text, (code) => code === BRACKET_CLOSE || code === NEWLINE);
    this.pathEnd = new NextStop(
      text,
      (code) => code === PAREN_CLOSE || code === ANGLE_OPEN || code === ANGLE_CLOSE || isWhiteSpace(code),
    );
    this.doubleQuoted = new NextStop(text, (code) => code === DOUBLE_QUOTE || code === NEWLINE);
    this.singleQuoted = new NextStop(text, (code) => code === SINGLE_QUOTE || code === NEWLINE);
  }

  private at(index: number): number {
    return index < this.text.length ? this.text.charCodeAt(index) : -1;
  }

  /** The directive starting at `open` (a `[`), or null. */
  parseAt(open: number): ScannedDirective | null {
    let index = this.afterSpace.find(open + 1);
    if (this.at(index) !== BANG) return null;
    index = this.afterSpace.find(index + 1);
    for (let letter = 0; letter < INCLUDE_WORD.length; letter += 1) {
      // ASCII-only case folding, as the `i` flag without `u` does for these letters.
      if ((this.at(index + letter) | 0x20) !== INCLUDE_WORD.charCodeAt(letter)) return null;
    }
    index = this.afterSpace.find(index + INCLUDE_WORD.length);
    if (this.at(index) !== BRACKET_OPEN) return null;
    const titleStart = index + 1;
    const titleEnd = this.titleEnd.find(titleStart);
    if (this.at(titleEnd) !== BRACKET_CLOSE) return null;
    if (this.lastTitle?.at !== titleEnd) this.lastTitle = { at: titleEnd, tail: this.parseAfterTitle(titleEnd) };
    const tail = this.lastTitle.tail;
    return tail ? { end: tail.end, titleStart, titleEnd, pathStart: tail.pathStart, pathEnd: tail.pathEnd } : null;
  }

  /** `(path ...)]` after the title's closing bracket at `close`. */
  private parseAfterTitle(close: number): DirectiveTail | null {
    let index = this.afterSpace.find(close + 1);
    if (this.at(index) !== PAREN_OPEN) return null;
    index = this.afterSpace.find(index + 1);
    if (this.at(index) === ANGLE_OPEN) index += 1;
    const pathStart = index;
    const pathEnd = this.pathEnd.find(pathStart);
    if (pathEnd === pathStart) return null;
    if (this.lastPath?.at !== pathEnd) this.lastPath = { at: pathEnd, end: this.parseAfterPath(pathEnd) };
    const end = this.lastPath.end;
    return end === null ? null : { end, pathStart, pathEnd };
  }

  /** `> "title" )]` after the path, each part optional but the `)` and `]`; returns the end. */
  private parseAfterPath(pathEnd: number): number | null {
    const afterAngle = this.at(pathEnd) === ANGLE_CLOSE ? pathEnd + 1 : pathEnd;
    let index = this.afterSpace.find(afterAngle);
    const quote = this.at(index);
    // A link title needs white space before it.
    if (index > afterAngle && (quote === DOUBLE_QUOTE || quote === SINGLE_QUOTE)) {
      const close = (quote === DOUBLE_QUOTE ? this.doubleQuoted : this.singleQuoted).find(index + 1);
      if (this.at(close) !== quote) return null;
      index = this.afterSpace.find(close + 1);
    }
    if (this.at(index) !== PAREN_CLOSE) return null;
    index = this.afterSpace.find(index + 1);
    if (this.at(index) !== BRACKET_CLOSE) return null;
    return index + 1;
  }
}

/**
 * Replaces fenced code blocks and inline code spans with spaces (same length, newlines kept), so
 * that directives shown as examples in code are not expanded. Linear: fences are recognised by
 * anchored patterns per line, and code spans by pairing backtick runs of equal length in one pass.
 */
export function maskCode(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let fence: { char: string; length: number } | null = null;
  for (const line of lines) {
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close && close[1][0] === fence.char && close[1].length >= fence.length) fence = null;
      out.push(' '.repeat(line.length));
      continue;
    }
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (open && !(open[1][0] === '`' && open[2].includes('`'))) {
      fence = { char: open[1][0], length: open[1].length };
      out.push(' '.repeat(line.length));
      continue;
    }
    out.push(line.includes('`') ? maskCodeSpans(line) : line);
  }
  return out.join('\n');
}

/**
 * A code span runs from a run of backticks to the next run of exactly the same length (CommonMark);
 * a run with no partner is literal text. Each run's partner is found in one backward pass.
 */
function maskCodeSpans(line: string): string {
  // Typed arrays: a hostile line can hold millions of runs.
  let count = 0;
  for (let index = 0; index < line.length; index += 1) {
    if (line.charCodeAt(index) === BACKTICK && line.charCodeAt(index - 1) !== BACKTICK) count += 1;
  }
  const starts = new Int32Array(count);
  const lengths = new Int32Array(count);
  for (let index = 0, run = 0; index < line.length;) {
    if (line.charCodeAt(index) !== BACKTICK) {
      index += 1;
      continue;
    }
    starts[run] = index;
    while (index < line.length && line.charCodeAt(index) === BACKTICK) index += 1;
    lengths[run] = index - starts[run];
    run += 1;
  }
  const partner = new Int32Array(count);
  const nextOfLength = new Map<number, number>();
  for (let run = count - 1; run >= 0; run -= 1) {
    partner[run] = nextOfLength.get(lengths[run]) ?? -1;
    nextOfLength.set(lengths[run], run);
  }
  const parts: string[] = [];
  let copied = 0;
  for (let run = 0; run < count;) {
    const closing = partner[run];
    if (closing === -1) {
      run += 1;
      continue;
    }
    const end = starts[closing] + lengths[closing];
    parts.push(line.slice(copied, starts[run]), ' '.repeat(end - starts[run]));
    copied = end;
    run = closing + 1;
  }
  parts.push(line.slice(copied));
  return parts.join('');
}
