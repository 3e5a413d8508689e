import { replaceMarkdownLinks, stripEmphasis, stripStrong } from '../common/markdown-inline';

/**
 * Cuts a markdown body into sections identified by heading path. Only real headings count: ATX
 * (`#`..`######`) and setext (`===` / `---` underlining a paragraph), never inside fenced code.
 * This is a line scanner covering the CommonMark rules that matter for headings, not a full parser.
 */

export const PREAMBLE = '(preamble)';
/** The name of a heading with no text (`#` alone). */
export const UNTITLED = '(untitled)';
const PATH_SEPARATOR = ' > ';
/**
 * Every heading's key repeats its parents' text, so both are bounded: a heading's text (real ones
 * are a line) and how many headings a body has (real notices have hundreds). Unbounded, one long
 * heading over thousands of subheadings made megabytes of keys, and keys over 16 KiB all hash alike
 * in V8, so looking them up became quadratic: 35 KB of markdown took seconds.
 */
const MAX_HEADING_TEXT = 300;
const MAX_HEADINGS = 5_000;

export interface SectionInfo {
  /** Heading path, unique within the document (duplicates get ` (2)`, ` (3)`… on their last segment). */
  key: string;
  /** False only for a preamble made of blank lines (or nothing): it is not a section a reader would see. */
  visible: boolean;
}

export interface SectionMap {
  sections: SectionInfo[];
  /** For every line of the whole text: index into `sections`, or -1 for front matter lines. */
  sectionOfLine: Int32Array;
}

interface Heading {
  /** First line of the heading (for setext, the first line of the underlined paragraph). */
  line: number;
  level: number;
  text: string;
}

const ATX = /^ {0,3}(#{1,6})(?=[ \t]|$)(.*)$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const CONTAINER_START = /^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)|^ {0,3}>/;
const INDENTED_CODE = /^(?: {4}|\t)/;

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/**
 * Heading text for display: inline markup that only decorates (links, emphasis, code ticks) is
 * dropped. Hand-written scanners (common/markdown-inline.ts) instead of regular expressions keep
 * this linear: a heading is fetched text, and a setext heading can be a whole paragraph long.
 */
export function cleanHeadingText(raw: string): string {
  const text = stripEmphasis(stripStrong(replaceMarkdownLinks(raw, 'both', (label) => label)))
    .replace(/`+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return UNTITLED;
  return text.length > MAX_HEADING_TEXT ? `${text.slice(0, MAX_HEADING_TEXT - 1)}…` : text;
}

/** An ATX heading's content without its optional closing sequence (` ##`), scanned by hand: `/(?:^|[ \t]+)#+$/` is quadratic on long runs of blanks. */
function withoutClosingHashes(content: string): string {
  let end = content.length;
  while (end > 0 && content.charCodeAt(end - 1) === 0x23 /* # */) end--;
  if (end === content.length) return content;
  if (end === 0) return '';
  let start = end;
  while (start > 0 && (content.charCodeAt(start - 1) === 0x20 || content.charCodeAt(start - 1) === 0x09)) start--;
  return start === end ? content : content.slice(0, start);
}

/**
 * `/^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/` as a scan: that pattern's repeated group overflows
 * the regular expression stack on a line of a few million `*`.
 */
function isThematicBreak(line: string): boolean {
  let i = 0;
  while (i < 3 && line.charCodeAt(i) === 0x20) i++;
  const mark = line.charCodeAt(i);
  if (mark !== 0x2d && mark !== 0x2a && mark !== 0x5f) return false;
  let marks = 0;
  for (; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code === mark) marks++;
    else if (code !== 0x20 && code !== 0x09) return false;
  }
  return marks >= 3;
}

function findHeadings(lines: readonly string[], from: number): Heading[] {
  const headings: Heading[] = [];
  let fence: { char: string; length: number } | null = null;
  // Start of the open plain paragraph that a setext underline could turn into a heading, or -1.
  let paragraphStart = -1;
  // Inside a list item or block quote paragraph: an underline there is not a top-level heading.
  let containerParagraph = false;

  // Past MAX_HEADINGS, the rest of the body belongs to the last section.
  for (let i = from; i < lines.length && headings.length < MAX_HEADINGS; i++) {
    const line = stripCr(lines[i]);

    if (fence !== null) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close !== null && close[1][0] === fence.char && close[1].length >= fence.length) fence = null;
      continue;
    }
    if (line.trim() === '') {
      paragraphStart = -1;
      containerParagraph = false;
      continue;
    }
    if (paragraphStart < 0 && !containerParagraph && INDENTED_CODE.test(line)) continue;

    const fenceOpen = FENCE_OPEN.exec(line);
    if (fenceOpen !== null && !(fenceOpen[1][0] === '`' && fenceOpen[2].includes('`'))) {
      fence = { char: fenceOpen[1][0], length: fenceOpen[1].length };
      paragraphStart = -1;
      containerParagraph = false;
      continue;
    }

    const atx = ATX.exec(line);
    if (atx !== null) {
      const content = withoutClosingHashes(atx[2].trim());
      headings.push({ line: i, level: atx[1].length, text: cleanHeadingText(content) });
      paragraphStart = -1;
      containerParagraph = false;
      continue;
    }

    const underline = SETEXT_UNDERLINE.exec(line);
    if (underline !== null && paragraphStart >= 0) {
      const text = lines
        .slice(paragraphStart, i)
        .map((l) => stripCr(l).trim())
        .join(' ');
      headings.push({ line: paragraphStart, level: underline[1][0] === '=' ? 1 : 2, text: cleanHeadingText(text) });
      paragraphStart = -1;
      continue;
    }

    if (isThematicBreak(line)) {
      paragraphStart = -1;
      containerParagraph = false;
      continue;
    }
    if (CONTAINER_START.test(line)) {
      paragraphStart = -1;
      containerParagraph = true;
      continue;
    }
    if (paragraphStart < 0 && !containerParagraph) paragraphStart = i;
  }
  return headings;
}

/**
 * Maps every body line (lines[bodyStart..]) to its section. Lines before the first heading belong to
 * the preamble (always index 0). Duplicate heading paths are numbered in document order so that
 * identity stays deterministic when a notice repeats a heading such as "Your rights".
 */
export function mapSections(lines: readonly string[], bodyStart: number): SectionMap {
  const sectionOfLine = new Int32Array(lines.length).fill(-1);
  const headings = findHeadings(lines, bodyStart);

  let preambleVisible = false;
  const firstHeadingLine = headings.length > 0 ? headings[0].line : lines.length;
  for (let i = bodyStart; i < firstHeadingLine; i++) {
    sectionOfLine[i] = 0;
    if (stripCr(lines[i]).trim() !== '') preambleVisible = true;
  }
  const sections: SectionInfo[] = [{ key: PREAMBLE, visible: preambleVisible }];

  const seen = new Map<string, number>();
  const usedKeys = new Set<string>([PREAMBLE]);
  const stack: Array<{ level: number; name: string }> = [];
  for (let h = 0; h < headings.length; h++) {
    const heading = headings[h];
    while (stack.length > 0 && stack[stack.length - 1].level >= heading.level) stack.pop();
    const parentPath = stack.map((s) => s.name).join(PATH_SEPARATOR);
    const plainKey = parentPath === '' ? heading.text : parentPath + PATH_SEPARATOR + heading.text;
    let occurrence = seen.get(plainKey) ?? 0;
    let name: string;
    let key: string;
    // Loop because a literal heading "Cookies (2)" may already hold the numbered name.
    do {
      occurrence++;
      name = occurrence === 1 ? heading.text : `${heading.text} (${occurrence})`;
      key = parentPath === '' ? name : parentPath + PATH_SEPARATOR + name;
    } while (usedKeys.has(key));
    seen.set(plainKey, occurrence);
    usedKeys.add(key);
    stack.push({ level: heading.level, name });

    const index = sections.length;
    sections.push({ key, visible: true });
    const end = h + 1 < headings.length ? headings[h + 1].line : lines.length;
    for (let i = heading.line; i < end; i++) sectionOfLine[i] = index;
  }
  return { sections, sectionOfLine };
}
