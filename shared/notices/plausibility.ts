import type { Problem } from '../common/result';
import { type BodyFeatures, featuresOf } from './body-features';
import { POLICY_CONCEPTS } from './plausibility-vocabulary';
import type { SnapshotDocument } from './snapshot-document';
import { prefixAlignment } from './truncation';
import { countLettersAndDigits, visibleText } from './visible-text';

/**
 * Thresholds, tuned on the 53 histories of ../shared/corpus/privacy-policies and the tuning half of
 * ../shared/corpus/privacy-policies-2 (scripts/corpus-split.js); the other half is held out to
 * report on (README, "Broken pages and real changes"). Sizes are letters and digits of the visible
 * text (link targets, image URLs and markup excluded), so a site switching link styles moves none.
 */
export const PLAUSIBILITY_LIMITS = Object.freeze({
  /** A body with fewer letters than this, or only a heading with fewer than this beside it, is empty. */
  emptyMaxLetters: 20,
  /** ...counting as "a heading alone" only below this many letters in all. */
  headingAloneMaxLetters: 300,
  /** Below this, a body containing an error phrase is taken for an error page. Real policies have at least ~4 000. */
  errorPageMaxLetters: 2_000,
  /** ...unless it uses this many policy concepts (a short policy that mentions "not found"). */
  errorPageMaxConcepts: 2,
  /** A previous body with at least this many letters is "substantial" enough to compare with. */
  substantialLetters: 2_000,
  /** A body under this share of the previous one is suspect unless it still reads as a whole policy. */
  shrinkRatio: 0.4,
  /** A body under this share of the previous one is suspect even if it reads like a policy. */
  collapseRatio: 0.1,
  /** "Reads as a whole policy": this many concepts, or this many letters and this many concepts. */
  policyConcepts: 6,
  policyMinLetters: 1_000,
  policyMinConcepts: 4,
  /** Truncation: this share of the new words is the start of the previous version, word for word... */
  truncationMatchedShare: 0.9,
  /** ...the body is at most this share of the previous one, and stops mid-sentence or mid-table, */
  truncationRatio: 0.9,
  /** ...or before this many policy concepts that only the rest of the previous version used; */
  truncationConceptsLost: 2,
  /** and at least this share of the previous letters is in paragraphs found nowhere in the new body. */
  truncationLostShare: 0.1,
  /** Repetition: this share of the letters repeats earlier paragraphs word for word. */
  repetitionShare: 0.5,
  /**
   * Link hub: this share of the letters is link text, or (in a body under `shrinkRatio` of the
   * last good one) this share of the text blocks are a link and little else, in this many links...
   */
  linkHubShare: 0.5,
  linkHubMinLinks: 8,
  /** ...where the last good version had at most this share. */
  linkHubPreviousShare: 0.25,
  /** Another document: at most this share of the title and heading words were ever the notice's own... */
  identityOverlap: 0.2,
  /**
   * ...and it reads unlike a policy, or names data protection (personal data, privacy, consent...)
   * fewer times than this per 1,000 words of prose: half the fewest of any real version (6.7).
   */
  privacyMentionsPerThousandWords: 3.3,
  /** Lost vocabulary: the previous body used at least this many policy concepts... */
  vocabularyBefore: 6,
  /** ...and the current one at most this many (another page served at the notice URL). */
  vocabularyAfter: 1,
});

export type PlausibilitySignal =
  | 'empty'
  | 'error-page'
  | 'offline-copy'
  | 'collapse'
  | 'truncation'
  | 'shrink'
  | 'repetition'
  | 'link-hub'
  | 'another-document'
  | 'lost-vocabulary';

/** Why a body was judged not to be the notice: the signal that fired and the figures behind it. */
export interface Suspicion extends Problem {
  readonly code: 'SUSPECT_BODY';
  readonly signal: PlausibilitySignal;
  readonly figures: Readonly<Record<string, number | string | boolean>>;
}

/**
 * What the notice has looked like over its accepted history: the words of its titles and
 * headings, and whether it was ever titled as a privacy notice. Kept in the notice's pointer.
 */
export interface NoticeProfile {
  readonly identityWords: readonly string[];
  readonly privacyTitle: boolean;
}

const MAX_PROFILE_WORDS = 300;

/** The profile after `accepted` became the notice's last good version. */
export function updateProfile(profile: NoticeProfile | undefined, accepted: SnapshotDocument): NoticeProfile {
  const features = featuresOf(accepted);
  const words = [...new Set([...features.identityWords, ...(profile?.identityWords ?? [])])].slice(
    0,
    MAX_PROFILE_WORDS,
  );
  return { identityWords: words, privacyTitle: (profile?.privacyTitle ?? false) || features.privacyTitle };
}

const percent = (ratio: number) => Math.round(ratio * 100);

/**
 * Flags a fetched body that does not look like the notice (code SUSPECT_BODY), or returns null.
 * Checked in this order, the first signal that fires explains the verdict:
 * - error-page: a short body with an error, challenge, maintenance or geo-block phrase (in any of
 *   the languages of content/plausibility/phrases.json) and almost no policy vocabulary;
 * - empty: no text, or a heading alone;
 * - offline-copy: a CDN "offline, cached copy" banner at the top.
 * Against the last good version (when it is substantial):
 * - collapse: under 10% of its size;
 * - truncation: the start of it word for word, shorter, stopping mid-sentence or mid-table;
 * - shrink: under 40% of its size and no longer reading like a whole policy;
 * - repetition: half the text repeats earlier paragraphs word for word;
 * - link-hub: mostly link text, or much smaller and mostly link blocks, where the notice was not;
 * - another-document: neither titled as a privacy notice nor named like the notice ever was, and
 *   unlike a policy or seldom naming data protection (terms of use that mention personal data);
 * - lost-vocabulary: the policy vocabulary gone, in every language (another page at the URL).
 * A language switch keeps the vocabulary (counted in all languages) and the privacy title, and a
 * rewrite keeps the vocabulary, so neither is held.
 */
export function assessPlausibility(
  current: SnapshotDocument,
  previous?: SnapshotDocument,
  profile?: NoticeProfile,
): Suspicion | null {
  const limits = PLAUSIBILITY_LIMITS;
  const now = featuresOf(current);

  if (
    now.errorPhrase !== null &&
    now.letters < limits.errorPageMaxLetters &&
    // A consent wall talks about cookies and consent: its phrases count whatever the vocabulary.
    (now.concepts.length <= limits.errorPageMaxConcepts || now.errorPhrase.label === 'cookie wall')
  ) {
    return suspect(
      'error-page',
      `The body looks like an error or stub page, not the notice: it is short (${now.letters} letters) and reads "${now.errorPhrase.phrase}" (${now.errorPhrase.label}, ${now.errorPhrase.language}).`,
      {
        letters: now.letters,
        kind: now.errorPhrase.label,
        phrase: now.errorPhrase.phrase,
        language: now.errorPhrase.language,
        concepts: now.concepts.length,
      },
    );
  }

  if (now.letters < limits.emptyMaxLetters) {
    return suspect('empty', `The body is empty (${now.letters} letters).`, { letters: now.letters });
  }
  const headingLetters = countLettersAndDigits(visibleText(now.headings.join('\n')));
  if (now.letters - headingLetters < limits.emptyMaxLetters && now.letters < limits.headingAloneMaxLetters) {
    return suspect('empty', `The body is a heading alone ("${now.title.slice(0, 80)}", ${now.letters} letters).`, {
      letters: now.letters,
      headingLetters,
    });
  }

  if (now.offlinePhrase !== null) {
    return suspect(
      'offline-copy',
      `The page carries an "offline, cached copy" banner ("${now.offlinePhrase.phrase}", ${now.offlinePhrase.language}): the site is serving a stored copy, not the live notice.`,
      { phrase: now.offlinePhrase.phrase, language: now.offlinePhrase.language },
    );
  }

  const readsAsPolicy =
    now.concepts.length >= limits.policyConcepts ||
    (now.letters >= limits.policyMinLetters && now.concepts.length >= limits.policyMinConcepts);

  if (now.letters >= 200 && now.repeatedShare >= limits.repetitionShare) {
    return suspect(
      'repetition',
      `${percent(now.repeatedShare)}% of the body repeats earlier paragraphs word for word: one block served many times, not the notice.`,
      { repeatedShare: round(now.repeatedShare), letters: now.letters },
    );
  }

  if (!previous) return null;
  const before = featuresOf(previous);

  if (before.letters >= limits.substantialLetters) {
    const ratio = now.letters / before.letters;
    const sizes = { letters: now.letters, previousLetters: before.letters, ratio: round(ratio) };
    if (ratio < limits.collapseRatio) {
      return suspect(
        'collapse',
        `The body shrank to ${percent(ratio)}% of the previous snapshot (${now.letters} of ${before.letters} letters): probably not the whole notice.`,
        sizes,
      );
    }
    if (ratio <= limits.truncationRatio) {
      const alignment = prefixAlignment(now.words, before.words);
      // A render that stopped: mid-sentence or mid-table, or before topics that only the rest covered.
      const conceptsLost = before.concepts.filter((concept) => !now.concepts.includes(concept));
      const stopsEarly = now.endsMidway || conceptsLost.length >= limits.truncationConceptsLost;
      // What the new version lacks must be text it has nowhere: a page that stops serving the
      // second copy of a doubled text is the start of it too, and loses nothing.
      const lost = lostShare(before, now);
      if (alignment.matchedShare >= limits.truncationMatchedShare && stopsEarly && lost >= limits.truncationLostShare) {
        return suspect(
          'truncation',
          `The body is the first ${percent(ratio)}% of the previous snapshot, word for word (${percent(alignment.matchedShare)}% of its words in order), and ${now.endsMidway ? 'stops mid-sentence or mid-table' : `stops before ${conceptsLost.join(', ')}`}: a render that stopped part-way.`,
          {
            ...sizes,
            matchedShare: round(alignment.matchedShare),
            reachedShare: round(alignment.reachedShare),
            lostShare: round(lost),
            endsMidway: now.endsMidway,
            conceptsLost: conceptsLost.length,
          },
        );
      }
    }
    if (ratio < limits.shrinkRatio && !readsAsPolicy) {
      return suspect(
        'shrink',
        `The body shrank to ${percent(ratio)}% of the previous snapshot (${now.letters} of ${before.letters} letters) and no longer reads like a full privacy notice (${now.concepts.length} of ${POLICY_CONCEPTS} policy concepts).`,
        { ...sizes, concepts: now.concepts.length },
      );
    }
  }

  const linkShare = share(now.linkLetters, now.letters);
  const previousLinkShare = share(before.linkLetters, before.letters);
  const linkBlockShare = share(now.linkBlocks, now.blocks);
  const previousLinkBlockShare = share(before.linkBlocks, before.blocks);
  // A hub is mostly link text (a list of regions), or a page much smaller than the notice made
  // mostly of blocks that are a link (teasers that each lead to a sub-page, where the link text is
  // short beside its one-line blurb). The size condition keeps a policy that gains a table of
  // contents, whose sections are still there, from reading as a hub.
  const mostlyLinkText = linkShare >= limits.linkHubShare && previousLinkShare <= limits.linkHubPreviousShare;
  const shrankToHub = before.letters >= limits.substantialLetters && now.letters < limits.shrinkRatio * before.letters;
  const mostlyLinkBlocks =
    shrankToHub && linkBlockShare >= limits.linkHubShare && previousLinkBlockShare <= limits.linkHubPreviousShare;
  if (now.links >= limits.linkHubMinLinks && (mostlyLinkText || mostlyLinkBlocks)) {
    const [what, nowShare, beforeShare] = mostlyLinkText
      ? ['of the body is link text', linkShare, previousLinkShare]
      : [`of its ${now.blocks} text blocks are a link and little else`, linkBlockShare, previousLinkBlockShare];
    return suspect(
      'link-hub',
      `${percent(nowShare)}% ${what} (${now.links} links), where the previous snapshot had ${percent(beforeShare)}%: a page of links (a hub or a region selector), not the notice.`,
      {
        linkShare: round(linkShare),
        previousLinkShare: round(previousLinkShare),
        linkBlockShare: round(linkBlockShare),
        previousLinkBlockShare: round(previousLinkBlockShare),
        links: now.links,
      },
    );
  }

  const wasPrivacyTitled = profile?.privacyTitle ?? before.privacyTitle;
  // Terms of use or a help page can use many policy concepts in passing; a notice keeps coming
  // back to data protection itself, so a page that seldom does is not read as one.
  const seldomNamesPrivacy = now.privacyMentionsPerThousandWords < limits.privacyMentionsPerThousandWords;
  if (wasPrivacyTitled && !now.privacyTitle && now.identityWords.length > 0 && (!readsAsPolicy || seldomNamesPrivacy)) {
    const known = new Set([...(profile?.identityWords ?? []), ...before.identityWords]);
    const shared = now.identityWords.filter((word) => known.has(word)).length;
    const overlap = shared / now.identityWords.length;
    if (overlap <= limits.identityOverlap) {
      return suspect(
        'another-document',
        `The body is another document: its title "${now.title.slice(0, 80)}" and headings name no privacy notice, ${percent(overlap)}% of their words were ever this notice's own, and it uses ${now.concepts.length} of the ${POLICY_CONCEPTS} policy concepts, naming data protection ${Math.round(now.privacyMentionsPerThousandWords)} times per 1,000 words.`,
        {
          title: now.title.slice(0, 120),
          identityOverlap: round(overlap),
          headings: now.headings.length,
          concepts: now.concepts.length,
          privacyMentionsPerThousandWords: round(now.privacyMentionsPerThousandWords),
        },
      );
    }
  }

  if (before.concepts.length >= limits.vocabularyBefore && now.concepts.length <= limits.vocabularyAfter) {
    return suspect(
      'lost-vocabulary',
      `The body no longer reads like a privacy notice: it uses ${now.concepts.length} of the ${POLICY_CONCEPTS} policy concepts, the previous snapshot used ${before.concepts.length}; another page may be served at this URL.`,
      { concepts: now.concepts.length, previousConcepts: before.concepts.length, language: now.language ?? 'unknown' },
    );
  }
  return null;
}

/** Share of the previous body's letters in paragraphs that the current body has nowhere. */
function lostShare(before: BodyFeatures, now: BodyFeatures): number {
  let total = 0;
  let lost = 0;
  for (const [paragraph, letters] of before.paragraphs) {
    total += letters;
    if (!now.paragraphs.has(paragraph)) lost += letters;
  }
  return total === 0 ? 0 : lost / total;
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function suspect(signal: PlausibilitySignal, message: string, figures: Suspicion['figures']): Suspicion {
  return { code: 'SUSPECT_BODY', signal, message, figures };
}
