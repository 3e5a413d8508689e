import { controlCharactersAsSpaces } from '../common/control-characters';
import { replaceInlineTags, replaceMarkdownLinks } from '../common/markdown-inline';
import { mapSections, PREAMBLE, UNTITLED } from '../diff/markdown-sections';
import {
  findErrorPhrase,
  findOfflinePhrase,
  forMatching,
  guessLanguage,
  namesPrivacyNotice,
  type PhraseMatch,
  policyConcepts,
  privacyMentions,
} from './plausibility-vocabulary';
import type { SnapshotDocument } from './snapshot-document';
import { countLettersAndDigits } from './visible-text';

/**
 * What the plausibility check measures in a markdown body. Everything is linear in the body's
 * length, and the word-level measures look at a bounded head of it (a policy says what it is in
 * its first pages), so a 5 MiB body costs a fraction of a second.
 */
export interface BodyFeatures {
  /** Letters and digits of the visible text (link targets, image URLs and markup excluded). */
  readonly letters: number;
  /** Letters and digits inside link labels, and the number of links. */
  readonly linkLetters: number;
  readonly links: number;
  /**
   * Text blocks (paragraphs, list items, table rows; not headings) in the head of the body, and
   * those whose visible text is a link and little else: a hub of teasers is made of them.
   */
  readonly blocks: number;
  readonly linkBlocks: number;
  /** Policy concepts used in the prose, not in link labels (personal data, consent, retention...), in any language. */
  readonly concepts: readonly string[];
  /** Mentions of data protection itself (personal data, privacy, consent...) per 1,000 words of the head's prose. */
  readonly privacyMentionsPerThousandWords: number;
  /** The page's language, guessed from its common words; null when unclear. */
  readonly language: string | null;
  /** The first error, challenge or maintenance phrase, looked for in the head of short bodies only. */
  readonly errorPhrase: PhraseMatch | null;
  /** An "offline, cached copy" banner phrase near the top. */
  readonly offlinePhrase: PhraseMatch | null;
  /** The title (first heading, else first line) and the headings, as a reader sees them. */
  readonly title: string;
  readonly headings: readonly string[];
  /** Whether the title or one of the first headings names a privacy notice, in any language. */
  readonly privacyTitle: boolean;
  /** Distinct words of four letters or more in the headings (the title when there are few): the notice's identity. */
  readonly identityWords: readonly string[];
  /** Share of the letters in paragraphs that occur three times or more, word for word. */
  readonly repeatedShare: number;
  /** The distinct paragraphs (normalised) of the whole body with their letters: for telling what a new version lost. */
  readonly paragraphs: ReadonlyMap<string, number>;
  /** The body ends without finishing its sentence (no final punctuation), or in a table row. */
  readonly endsMidway: boolean;
  /** Visible words, lower case, from the head of the body: for comparing two versions. */
  readonly words: readonly string[];
}

/** Word-level measures stop after this many characters of visible text. */
const HEAD_CHARS = 256 * 1024;
/**
 * Error phrases are only looked for in bodies with this few letters and digits (a long policy may
 * quote "404"); counted in letters, as the check's own limit is, so markup, emoji or link targets
 * cannot push an error page past it.
 */
const ERROR_PHRASE_LETTERS = 4_000;
/** An offline banner sits at the top of the page. */
const OFFLINE_BANNER_CHARS = 1_500;
const MAX_WORDS = 40_000;
const MAX_HEADINGS = 80;
const MAX_IDENTITY_WORDS = 120;

const WORDS = /[\p{L}\p{N}]{1,64}(?:['’-][\p{L}\p{N}]{1,64}){0,4}/gu;

/** Measures are kept per document: a check measures the new version, the last good one, then the profile. */
const measured = new WeakMap<SnapshotDocument, BodyFeatures>();

/** The features of a document's body, measured once per document object. */
export function featuresOf(document: SnapshotDocument): BodyFeatures {
  let features = measured.get(document);
  if (!features) {
    features = measureBodyFeatures(document.body);
    measured.set(document, features);
  }
  return features;
}

export function measureBodyFeatures(body: string): BodyFeatures {
  return measure(body);
}

function measure(body: string): BodyFeatures {
  let links = 0;
  let linkLetters = 0;
  const withoutImages = replaceMarkdownLinks(body, 'images', (label) => ` ${label} `);
  const withoutLinks = replaceMarkdownLinks(withoutImages, 'links', (label) => {
    links++;
    linkLetters += countLettersAndDigits(label);
    return ` ${label} `;
  });
  const visible = replaceInlineTags(withoutLinks, ' ').replace(/\bhttps?:\/\/\S+/g, ' ');
  const letters = countLettersAndDigits(visible);
  // Policy concepts and mentions of data protection are counted in the prose, not in link labels:
  // an error page, a shop page or terms of use with a menu or footer of "Privacy", "Cookies", "Your
  // rights" and "Contact us" links do not read as a policy for it.
  const prose = replaceInlineTags(
    replaceMarkdownLinks(withoutImages.slice(0, HEAD_CHARS), 'links', () => ' '),
    ' ',
  ).replace(/\bhttps?:\/\/\S+/g, ' ');
  const proseForMatching = forMatching(prose);
  const proseWords = proseForMatching.match(WORDS)?.length ?? 0;
  const head = forMatching(visible.slice(0, HEAD_CHARS));
  const words = head.match(WORDS)?.slice(0, MAX_WORDS) ?? [];
  const { title, headings } = titleAndHeadings(body);
  const headingText = forMatching([title, ...headings.slice(0, 3)].join(' \n '));
  return {
    letters,
    linkLetters,
    links,
    ...blockFigures(withoutImages.slice(0, HEAD_CHARS)),
    concepts: policyConcepts(proseForMatching),
    privacyMentionsPerThousandWords: proseWords === 0 ? 0 : (1000 * privacyMentions(proseForMatching)) / proseWords,
    language: guessLanguage(words.slice(0, 5_000)),
    errorPhrase: letters <= ERROR_PHRASE_LETTERS ? findErrorPhrase(head) : null,
    offlinePhrase: findOfflinePhrase(head.slice(0, OFFLINE_BANNER_CHARS)),
    title,
    headings,
    privacyTitle: namesPrivacyNotice(headingText),
    identityWords: identityWords(headings.length >= 2 ? headings : [title, ...headings]),
    // The whole text, not its head: what a cut version lost is compared with the sizes of whole
    // bodies, and a notice cut past its first 256 KiB has lost text all the same.
    ...paragraphFigures(visible),
    endsMidway: endsMidway(body),
    words,
  };
}

/** Strips markdown decoration from a line: heading marks, emphasis, list bullets, table bars. */
function plainLine(line: string): string {
  return controlCharactersAsSpaces(replaceMarkdownLinks(line, 'both', (label) => label))
    .replace(/^\s{0,3}(#{1,6}\s+|[-*+]\s+|\d{1,3}[.)]\s+|>\s*)/, '')
    .replace(/[*_`|#=]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A heading longer than this is cut: it names the notice in its first words. */
const MAX_HEADING_CHARS = 300;

function titleAndHeadings(body: string): { title: string; headings: string[] } {
  // The head of the body is enough to name it, and bounds the work on a hostile one.
  const lines = body.slice(0, HEAD_CHARS).split('\n');
  const sections = mapSections(lines, 0).sections;
  const headings = sections
    .filter((section) => section.key !== PREAMBLE)
    .slice(0, MAX_HEADINGS)
    .map((section) =>
      controlCharactersAsSpaces((section.key.split(' > ').pop() ?? '').slice(0, MAX_HEADING_CHARS)).replace(
        / \(\d+\)$/,
        '',
      ),
    )
    // An empty `#` names nothing: neither heading letters nor identity words.
    .filter((heading) => heading !== UNTITLED);
  let firstLine = '';
  for (const line of lines) {
    const plain = plainLine(line.slice(0, 1_000));
    if (/[\p{L}\p{N}]/u.test(plain)) {
      firstLine = plain;
      break;
    }
  }
  // A page whose first words come before any heading (a banner, a breadcrumb) is named by those words too.
  const title = (sections[0]?.visible ? firstLine : (headings[0] ?? firstLine)).slice(0, 200);
  return { title, headings };
}

function identityWords(texts: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const text of texts) {
    for (const word of forMatching(text).match(WORDS) ?? []) {
      if (word.length >= 4 && !/^\d+$/.test(word)) seen.add(word);
      if (seen.size >= MAX_IDENTITY_WORDS) return [...seen];
    }
  }
  return [...seen];
}

/** Paragraphs (of 30 letters or more), and the share of letters in those that occur three times or more. */
function paragraphFigures(visible: string): { repeatedShare: number; paragraphs: Map<string, number> } {
  const counts = new Map<string, { letters: number; count: number }>();
  let total = 0;
  for (const paragraph of visible.split(/\n\s*\n/)) {
    const letters = countLettersAndDigits(paragraph);
    total += letters;
    if (letters < 30) continue;
    const key = forMatching(paragraph).trim();
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { letters, count: 1 });
  }
  let repeated = 0;
  const paragraphs = new Map<string, number>();
  for (const [key, { letters, count }] of counts) {
    paragraphs.set(key, letters);
    // A page served twice (two layouts of one text) is not "one block served many times".
    if (count >= 3) repeated += letters * count;
  }
  return { repeatedShare: total === 0 ? 0 : repeated / total, paragraphs };
}

/** A block is a link block when its links hold at least this share of its letters. */
const LINK_BLOCK_SHARE = 0.8;
const LIST_ITEM = /^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s/;
const HEADING_LINE = /^\s{0,3}#{1,6}\s/;
const SETEXT_UNDERLINE = /^\s{0,3}(?:=+|-+)\s*$/;

/**
 * Counts the text blocks of a markdown body and those that are a link and little else. One pass
 * over the lines; each block's links are read once, so the cost is linear in the body.
 */
function blockFigures(markdown: string): { blocks: number; linkBlocks: number } {
  let blocks = 0;
  let linkBlocks = 0;
  let current: string[] = [];
  const close = () => {
    if (current.length === 0) return;
    const text = current.join('\n');
    current = [];
    let linkLetters = 0;
    const visible = replaceMarkdownLinks(text, 'links', (label) => {
      linkLetters += countLettersAndDigits(label);
      return ` ${label} `;
    });
    const letters = countLettersAndDigits(visible);
    if (letters === 0) return;
    blocks++;
    if (linkLetters >= LINK_BLOCK_SHARE * letters) linkBlocks++;
  };
  const lines = markdown.split('\n');
  for (const [index, line] of lines.entries()) {
    const next = lines[index + 1] ?? '';
    if (line.trim() === '' || SETEXT_UNDERLINE.test(line)) {
      close();
    } else if (HEADING_LINE.test(line) || (SETEXT_UNDERLINE.test(next) && next.trim() !== '' && current.length === 0)) {
      // A heading names a section; it is not one of the section's blocks.
      close();
    } else if (LIST_ITEM.test(line) || line.trimStart().startsWith('|')) {
      close();
      current.push(line);
      close();
    } else {
      current.push(line);
    }
  }
  close();
  return { blocks, linkBlocks };
}

const SENTENCE_END = new Set(['.', '!', '?', ':', ';', ')', ']', '"', "'", '»', '”', '’', '…', '。']);

/** The last line is a table row, or the last character is not one that ends a sentence. */
function endsMidway(body: string): boolean {
  const trimmed = body.trimEnd();
  const lastLine = trimmed.slice(trimmed.lastIndexOf('\n') + 1).trim();
  if (lastLine.startsWith('|')) return true;
  // The last character that is not emphasis or white space, found by hand: `/[*_\s]+$/` is
  // quadratic on a long run of blanks followed by text.
  let end = lastLine.length;
  while (end > 0 && /[*_`\s]/.test(lastLine[end - 1])) end--;
  return end > 0 && !SENTENCE_END.has(lastLine[end - 1]);
}
