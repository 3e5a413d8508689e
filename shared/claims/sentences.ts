/**
 * Cuts a snapshot body into sentences, each with the heading path of its section, for the claims
 * extractor. Markdown blocks (paragraphs, list items, table rows, headings) are found line by line,
 * sentences inside a block by one pass over its characters. Every step is linear and bounded: the
 * text scanned, a block and a sentence each have a maximum length.
 */
import { mapSections, PREAMBLE } from '../diff/markdown-sections';

/** Text past this many characters is not scanned (snapshots are at most 5 MiB; real notices are far smaller). */
export const MAX_SCANNED_CHARS = 2_000_000;
const MAX_BLOCK_CHARS = 20_000;
const MAX_SENTENCE_CHARS = 2_000;
/** A link target longer than this is not treated as one (so a stray `](` cannot swallow the text). */
const MAX_LINK_TARGET = 2_048;
const MAX_TAG = 200;

export interface Sentence {
  /** Heading path of the section it sits in, as in change reports. */
  readonly heading: string;
  /** As written, markup and link targets included (addresses hide in `mailto:` links). */
  readonly raw: string;
  /** Markup removed, white space collapsed: what is matched and quoted as evidence. */
  readonly text: string;
}

export interface SentenceScan {
  readonly sentences: Sentence[];
  /** Text of the first heading: usually names the notice and whose it is. */
  readonly title: string | null;
  /** The body was longer than MAX_SCANNED_CHARS. */
  readonly truncated: boolean;
}

const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const TABLE_SEPARATOR = /^[ \t|:-]+$/;
const LIST_ITEM = /^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** `indexOf` that looks at most `limit` characters ahead, so repeated searches stay linear overall. */
function indexWithin(text: string, char: string, from: number, limit: number): number {
  const end = Math.min(text.length, from + limit);
  for (let i = from; i < end; i++) if (text[i] === char) return i;
  return -1;
}

/** A setext underline (`===`, `---`) or a thematic break (`***`, `- - -`): not text. */
function isUnderlineOrRule(line: string): boolean {
  const trimmed = line.trim();
  if (trimmed === '') return false;
  const first = trimmed[0];
  if (first !== '=' && first !== '-' && first !== '*' && first !== '_') return false;
  let marks = 0;
  for (const char of trimmed) {
    if (char === first) marks++;
    else if (char !== ' ' && char !== '\t') return false;
  }
  return first === '=' || first === '-' ? marks >= 1 && (marks >= 3 || !trimmed.includes(' ')) : marks >= 3;
}

/** A line ending in two spaces or a backslash (a hard break), or made of one bold phrase (a paragraph heading). */
function endsSentence(line: string): boolean {
  if (line.endsWith('  ') || line.endsWith('\\')) return true;
  const trimmed = line.trim();
  return (
    trimmed.length > 4 &&
    ((trimmed.startsWith('**') && trimmed.endsWith('**')) || (trimmed.startsWith('__') && trimmed.endsWith('__'))) &&
    !trimmed.slice(2, -2).includes('*')
  );
}

/** Heading text of an ATX heading line: the opening and closing `#` runs removed. */
function atxText(line: string): string {
  let start = 0;
  while (start < line.length && (line[start] === ' ' || line[start] === '#')) start++;
  let end = line.length;
  while (end > start && (line[end - 1] === ' ' || line[end - 1] === '\t' || line[end - 1] === '#')) end--;
  return line.slice(start, end);
}

/**
 * Removes inline markup: link targets `](…)` (the link text stays), HTML tags, emphasis and code
 * marks, image marks; collapses white space. One pass, each skip bounded.
 */
export function cleanInline(text: string): string {
  let out = '';
  // Where a search for `)` or `>` already found none: later searches start there, so no stretch is read twice.
  let noParenUntil = 0;
  let noAngleUntil = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === ']' && text[i + 1] === '(') {
      const from = Math.max(i + 2, noParenUntil);
      const close = indexWithin(text, ')', from, i + 2 + MAX_LINK_TARGET - from);
      if (close < 0) noParenUntil = Math.min(text.length, i + 2 + MAX_LINK_TARGET);
      if (close > 0 && !text.slice(i + 2, close).includes('\n')) {
        i = close;
        continue;
      }
    }
    if (char === '<' && /[A-Za-z/!]/.test(text[i + 1] ?? '')) {
      const from = Math.max(i + 1, noAngleUntil);
      const close = indexWithin(text, '>', from, i + 1 + MAX_TAG - from);
      if (close < 0) noAngleUntil = Math.min(text.length, i + 1 + MAX_TAG);
      if (close > 0) {
        out += ' ';
        i = close;
        continue;
      }
    }
    if (char === '!' && text[i + 1] === '[') continue;
    if (char === '[' || char === ']' || char === '*' || char === '`') continue;
    if (char === '_' && (text[i + 1] === '_' || text[i - 1] === '_')) continue;
    if (char === '|') {
      out += ' ; ';
      continue;
    }
    out += char;
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** The word just before position `end` (letters and inner dots), lower case, at most 12 characters. */
function wordBefore(text: string, end: number): string {
  let start = end;
  while (start > 0 && end - start < 12 && /[\p{L}.]/u.test(text[start - 1])) start--;
  return text.slice(start, end).toLowerCase().replace(/^\.+/, '');
}

/**
 * Sentences of one block: a `.`, `!` or `?` followed by white space and then not a lower-case
 * letter ends one, unless the word before the `.` is a known abbreviation (`e.g.`, `Inc.`) or a
 * single letter; a line break marked as hard (`\n` here) always ends one.
 */
export function splitSentences(block: string, abbreviations: ReadonlySet<string>): string[] {
  const sentences: string[] = [];
  let start = 0;
  const push = (end: number): void => {
    const sentence = block.slice(start, end).trim();
    if (sentence !== '') sentences.push(sentence);
    start = end;
  };
  for (let i = 0; i < block.length; i++) {
    const char = block[i];
    if (char === '\n') {
      push(i + 1);
      continue;
    }
    if (i - start >= MAX_SENTENCE_CHARS && (/\s/.test(char) || i - start >= 2 * MAX_SENTENCE_CHARS)) {
      push(i + 1);
      continue;
    }
    if (char !== '.' && char !== '!' && char !== '?' && char !== '。') continue;
    const next = block[i + 1];
    if (next !== undefined && !/\s/.test(next) && char !== '。') continue;
    let j = i + 1;
    while (j < block.length && j - i < 8 && block[j] === ' ') j++;
    const following = block[j];
    if (following !== undefined && /\p{Ll}/u.test(following)) continue;
    if (char === '.') {
      const word = wordBefore(block, i);
      if (abbreviations.has(word) || /^\p{L}$/u.test(word)) continue;
    }
    push(i + 1);
  }
  push(block.length);
  return sentences;
}

interface OpenBlock {
  heading: string;
  text: string;
}

/**
 * Sentences of a markdown body with their heading paths. Headings are sentences too (a heading
 * naming a service is a mention); fenced code, setext underlines, rules and table separators are not.
 */
export function scanSentences(body: string, abbreviations: ReadonlySet<string>): SentenceScan {
  const truncated = body.length > MAX_SCANNED_CHARS;
  const text = truncated ? body.slice(0, MAX_SCANNED_CHARS) : body;
  const lines = text.split('\n');
  const { sections, sectionOfLine } = mapSections(lines, 0);
  const headingOf = (line: number): string => sections[Math.max(0, sectionOfLine[line])].key;

  const sentences: Sentence[] = [];
  let block: OpenBlock | null = null;
  const flush = (): void => {
    if (block) {
      for (const raw of splitSentences(block.text, abbreviations)) {
        const clean = cleanInline(raw);
        if (clean !== '') sentences.push({ heading: block.heading, raw, text: clean });
      }
    }
    block = null;
  };
  const start = (line: number, content: string): void => {
    flush();
    block = { heading: headingOf(line), text: content };
  };

  let fence: string | null = null;
  let previousLine = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    const fenceMark = FENCE.exec(line);
    if (fence !== null) {
      if (fenceMark && fenceMark[1][0] === fence[0] && fenceMark[1].length >= fence.length) fence = null;
      continue;
    }
    if (fenceMark) {
      flush();
      fence = fenceMark[1];
      continue;
    }
    if (line.trim() === '') {
      flush();
      previousLine = '';
      continue;
    }
    if (ATX_HEADING.test(line)) {
      start(i, `${atxText(line)}\n`);
      flush();
      previousLine = '';
      continue;
    }
    if (isUnderlineOrRule(line) || (line.includes('-') && line.includes('|') && TABLE_SEPARATOR.test(line))) {
      flush();
      previousLine = '';
      continue;
    }
    if (line.trimStart().startsWith('|')) {
      start(i, line);
      flush();
      previousLine = '';
      continue;
    }
    const item = LIST_ITEM.exec(line);
    const current = block as OpenBlock | null;
    if (item || current === null || current.text.length > MAX_BLOCK_CHARS) {
      start(i, item ? line.slice(item[0].length) : line.replace(/^\s*>\s?/, ''));
    } else {
      // A hard line break or a line that is one bold phrase (a paragraph heading) ends a sentence.
      current.text += (endsSentence(previousLine) ? '\n' : ' ') + line.replace(/^\s*>\s?/, '');
    }
    previousLine = line;
  }
  flush();
  const first = sections.find((section) => section.key !== PREAMBLE);
  return { sentences, truncated, title: first ? first.key.split(' > ')[0] : null };
}
