import phrasesData from '../../content/plausibility/phrases.json';

/**
 * The words the plausibility check looks for, per language, from content/plausibility/phrases.json
 * (data users extend by adding entries). Matching is by plain substring search with word
 * boundaries checked by hand: no pattern built from data, and time linear in the text.
 */

type PerLanguage = Record<string, string[] | undefined>;

interface PhrasesFile {
  errorPhrases: Record<string, PerLanguage>;
  offlinePhrases: PerLanguage;
  policyVocabulary: Record<string, PerLanguage>;
  titleTerms: PerLanguage;
  stopwords: PerLanguage;
}

export interface PhraseMatch {
  /** What kind of page the phrase betrays ("not found", "maintenance"...) or the concept it names. */
  readonly label: string;
  readonly phrase: string;
  readonly language: string;
}

interface Entry extends PhraseMatch {
  /** Normalised as the text it is searched in. */
  readonly needle: string;
}

/** Lower case, ’ as ', runs of white space as one space: the form both text and phrases are compared in. */
export function forMatching(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘ʼ´`]/g, "'")
    .replace(/\s+/g, ' ');
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

function isWordCharAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a);
  // A low surrogate belongs to the character before it.
  const start = code >= 0xdc00 && code <= 0xdfff && index > 0 ? index - 1 : index;
  return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(start) ?? 0));
}

/** How many times (up to `limit`) `needle` occurs in `text` starting at a word boundary (and ending at one unless `stem`). */
function countOccurrences(text: string, needle: string, stem: boolean, limit = Infinity): number {
  if (needle === '') return 0;
  let count = 0;
  let from = 0;
  for (;;) {
    const at = text.indexOf(needle, from);
    if (at < 0) return count;
    const startsWord = !isWordCharAt(needle, 0) || !isWordCharAt(text, at - 1);
    const endsWord = stem || !isWordCharAt(needle, needle.length - 1) || !isWordCharAt(text, at + needle.length);
    if (startsWord && endsWord) {
      if (++count >= limit) return count;
      from = at + needle.length;
    } else {
      from = at + 1;
    }
  }
}

/** Whether `needle` occurs in `text` starting at a word boundary (and ending at one unless `stem`). */
function occurs(text: string, needle: string, stem: boolean): boolean {
  return countOccurrences(text, needle, stem, 1) > 0;
}

function entries(label: string, perLanguage: PerLanguage): Entry[] {
  const out: Entry[] = [];
  for (const [language, list] of Object.entries(perLanguage)) {
    for (const phrase of list ?? []) out.push({ label, phrase, language, needle: forMatching(phrase).trim() });
  }
  return out;
}

const data = phrasesData as PhrasesFile;
// The cookie wall kind first: it is the one that counts even in a body with policy vocabulary.
const ERROR_ENTRIES = Object.entries(data.errorPhrases)
  .sort(([a], [b]) => Number(b === 'cookie wall') - Number(a === 'cookie wall'))
  .flatMap(([label, list]) => entries(label, list));
const OFFLINE_ENTRIES = entries('offline copy', data.offlinePhrases);
const VOCABULARY = Object.entries(data.policyVocabulary).map(([concept, list]) => ({
  concept,
  entries: entries(concept, list),
}));
const TITLE_ENTRIES = entries('privacy title', data.titleTerms);
const STOPWORDS = new Map<string, Set<string>>(
  Object.entries(data.stopwords).map(([language, list]) => [language, new Set(list ?? [])]),
);

/** The number of policy concepts (personal data, consent, retention...) in all languages. */
export const POLICY_CONCEPTS = VOCABULARY.length;

/** The first error, challenge or maintenance phrase found in `text` (already `forMatching`). */
export function findErrorPhrase(text: string): PhraseMatch | null {
  const found = ERROR_ENTRIES.find((entry) => occurs(text, entry.needle, false));
  return found ? { label: found.label, phrase: found.phrase, language: found.language } : null;
}

/** The first "offline, cached copy" banner phrase found in `text` (already `forMatching`). */
export function findOfflinePhrase(text: string): PhraseMatch | null {
  const found = OFFLINE_ENTRIES.find((entry) => occurs(text, entry.needle, false));
  return found ? { label: found.label, phrase: found.phrase, language: found.language } : null;
}

/** The policy concepts used in `text` (already `forMatching`), in any of the languages. */
export function policyConcepts(text: string): string[] {
  return VOCABULARY.filter(({ entries: list }) => list.some((entry) => occurs(text, entry.needle, true))).map(
    ({ concept }) => concept,
  );
}

/**
 * The concepts that name data protection itself. Terms of use, a shop or a help page may well
 * mention third parties, rights, sharing or a contact, and now and then personal data; a privacy
 * notice keeps coming back to these.
 */
const PRIVACY_CONCEPTS = new Set([
  'personal data',
  'privacy',
  'processing',
  'retention',
  'consent',
  'controller',
  'cookies',
]);
// Each word once, though several languages share it ("privacy", "cookie", "conserv").
const PRIVACY_NEEDLES = [
  ...new Set(
    VOCABULARY.filter(({ concept }) => PRIVACY_CONCEPTS.has(concept)).flatMap(({ entries: list }) =>
      list.map((entry) => entry.needle),
    ),
  ),
];

/** How many times `text` (already `forMatching`) names one of the PRIVACY_CONCEPTS, in any of the languages. */
export function privacyMentions(text: string): number {
  let count = 0;
  for (const needle of PRIVACY_NEEDLES) count += countOccurrences(text, needle, true);
  return count;
}

/**
 * Whether a title or heading (already `forMatching`) names a privacy notice, in any of the
 * languages. Title terms are word beginnings, as German builds "Datenschutzerklärung" from "Datenschutz".
 */
export function namesPrivacyNotice(text: string): boolean {
  return TITLE_ENTRIES.some((entry) => occurs(text, entry.needle, true));
}

/** The language whose common words are most frequent among `words` (lower case), or null when too few are. */
export function guessLanguage(words: readonly string[]): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const [language, stopwords] of STOPWORDS) {
    let count = 0;
    for (const word of words) if (stopwords.has(word)) count++;
    if (count > bestCount) {
      best = language;
      bestCount = count;
    }
  }
  return bestCount >= 5 ? best : null;
}
