/**
 * Word-level phrase matching for the claims vocabulary. Text is cut into words by one pass over its
 * characters and phrases are looked up by the first letters of the word they start with, so a scan
 * costs time linear in the text (times the few phrases that share a start); no regular expression
 * ever runs over fetched text.
 */

export interface Token {
  /** Lower case, accents removed (`données` → `donnees`), for matching. */
  readonly norm: string;
  /** As written, for case-sensitive names. */
  readonly raw: string;
  /** Offsets into the scanned string. */
  readonly start: number;
  readonly end: number;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const DIGIT = /[0-9]/;
const COMBINING_MARKS = /\p{M}+/gu;
const ASCII = /^[\x20-\x7e]*$/;

function isWordChar(char: string): boolean {
  return LETTER_OR_DIGIT.test(char);
}

/** Lower case without accents; ß, œ and æ spelled out, so phrases can be written in plain ASCII. */
export function normaliseWord(word: string): string {
  if (ASCII.test(word)) return word.toLowerCase();
  return word
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae');
}

/**
 * Words of a text: runs of letters and digits, cut where letters meet digits (`TLSv1.2` → `TLSv`,
 * `1.2`), with a `.` or `,` between digits kept inside a number (`1.2`, `1,5`). Everything else
 * (spaces, hyphens, apostrophes, markup) separates words.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let start = -1;
  let digits = false;
  const close = (end: number): void => {
    if (start >= 0) {
      const raw = text.slice(start, end);
      tokens.push({ raw, norm: normaliseWord(raw), start, end });
    }
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (isWordChar(char)) {
      const isDigit = DIGIT.test(char);
      if (start >= 0 && isDigit !== digits) close(i);
      if (start < 0) {
        start = i;
        digits = isDigit;
      }
      continue;
    }
    // A decimal separator between two digits stays inside the number.
    if (start >= 0 && digits && (char === '.' || char === ',') && i + 1 < text.length && DIGIT.test(text[i + 1]))
      continue;
    close(i);
  }
  close(text.length);
  return tokens;
}

interface PatternWord {
  readonly text: string;
  /** A trailing `*` in the vocabulary: the word only has to start with `text`. */
  readonly prefix: boolean;
}

interface Phrase<T> {
  readonly words: PatternWord[];
  readonly value: T;
  readonly caseSensitive: boolean;
}

/** Characters of a word used to find the phrases that may start with it. */
const KEY_LENGTH = 3;

function keyOf(word: string): string {
  return word.length >= KEY_LENGTH ? word.slice(0, KEY_LENGTH) : word;
}

export interface PhraseMatch<T> {
  readonly value: T;
  /** Token index of the first word and one past the last. */
  readonly start: number;
  readonly end: number;
}

/** Parses a vocabulary phrase into words; null when it has none or a `*` word is shorter than the key. */
function parsePhrase(phrase: string, caseSensitive: boolean): PatternWord[] | null {
  const words: PatternWord[] = [];
  for (const part of phrase.trim().split(/\s+/)) {
    const prefix = part.endsWith('*');
    const body = prefix ? part.slice(0, -1) : part;
    const parts = tokenize(body);
    if (parts.length === 0) continue;
    parts.forEach((token, index) => {
      const isLast = index === parts.length - 1;
      words.push({ text: caseSensitive ? token.raw : token.norm, prefix: prefix && isLast });
    });
  }
  if (words.length === 0) return null;
  if (words[0].prefix && words[0].text.length < KEY_LENGTH) return null;
  return words;
}

/** Checks the phrase rules the schema cannot: every phrase has words, and a `*` needs three letters before it. */
export function invalidPhrase(phrase: string): string | null {
  return parsePhrase(phrase, false) === null
    ? `"${phrase}" has no words, or its first word ends in '*' with fewer than ${KEY_LENGTH} letters before it`
    : null;
}

/** A set of phrases, each with a value, found as whole words (leftmost, then longest, never overlapping). */
export class PhraseSet<T> {
  private readonly byKey = new Map<string, Phrase<T>[]>();

  constructor(entries: ReadonlyArray<{ phrase: string; value: T; caseSensitive?: boolean }>) {
    for (const entry of entries) {
      const caseSensitive = entry.caseSensitive === true;
      const words = parsePhrase(entry.phrase, caseSensitive);
      if (!words) continue;
      const key = keyOf(caseSensitive ? normaliseWord(words[0].text) : words[0].text);
      const list = this.byKey.get(key) ?? [];
      list.push({ words, value: entry.value, caseSensitive });
      this.byKey.set(key, list);
    }
    // Longest first, so the first phrase that matches at a word is the longest one there.
    for (const list of this.byKey.values()) list.sort((a, b) => b.words.length - a.words.length);
  }

  /** The longest phrase starting at token `index`, or null. */
  matchAt(tokens: readonly Token[], index: number): PhraseMatch<T> | null {
    const candidates = this.byKey.get(keyOf(tokens[index].norm));
    if (!candidates) return null;
    for (const phrase of candidates) {
      if (index + phrase.words.length > tokens.length) continue;
      let matches = true;
      for (let w = 0; w < phrase.words.length && matches; w++) {
        const token = tokens[index + w];
        const word = phrase.words[w];
        const text = phrase.caseSensitive ? token.raw : token.norm;
        matches = word.prefix ? text.startsWith(word.text) : text === word.text;
      }
      if (matches) return { value: phrase.value, start: index, end: index + phrase.words.length };
    }
    return null;
  }

  /** Every match, left to right, longest at each position, not overlapping. */
  findAll(tokens: readonly Token[], from = 0, to = tokens.length): PhraseMatch<T>[] {
    const found: PhraseMatch<T>[] = [];
    for (let i = from; i < to;) {
      const match = this.matchAt(tokens, i);
      if (match && match.end <= to) {
        found.push(match);
        i = match.end;
      } else i++;
    }
    return found;
  }

  /** True when any phrase occurs between tokens `from` and `to`. */
  occursIn(tokens: readonly Token[], from = 0, to = tokens.length): boolean {
    for (let i = from; i < to; i++) {
      const match = this.matchAt(tokens, i);
      if (match && match.end <= to) return true;
    }
    return false;
  }
}
