import type { Problem } from '../common/result';
import type { SnapshotDocument } from './snapshot-document';
import { countLettersAndDigits, visibleText } from './visible-text';

/**
 * Thresholds, calibrated on 572 archived versions of 53 real policies (see
 * scripts/evaluate-plausibility.js). Sizes are counted in letters and digits of the visible text
 * (link targets, image URLs and markup excluded), so a site switching link styles does not move them.
 */
export const PLAUSIBILITY_LIMITS = Object.freeze({
  /** Below this, a body containing an error phrase is taken for an error page. Real policies in the corpus have at least ~4 000. */
  errorPageMaxLetters: 2_000,
  /** A previous body with at least this many letters is "substantial" enough to compare sizes with. */
  substantialLetters: 2_000,
  /** A body under this share of the previous one is suspect unless it still reads as a whole policy. */
  shrinkRatio: 0.4,
  /** A body under this share of the previous one is suspect even if it reads like a policy. */
  collapseRatio: 0.1,
  /** "Reads as a whole policy": at least this many letters and this many distinct policy terms. */
  policyMinLetters: 3_000,
  policyMinTerms: 4,
  /** "Lost its vocabulary": the previous body used at least this many distinct policy terms... */
  vocabularyBefore: 6,
  /** ...and the current one at most this many (a site serving its home page at the notice URL). */
  vocabularyAfter: 1,
});

/** Phrases of error, challenge and redirect pages that sites serve with status 200. */
const ERROR_PHRASES: ReadonlyArray<[RegExp, string]> = [
  [/page (was )?not found|\b404\b|not be found|doesn['’]t exist|does not exist/i, 'not found'],
  [/access denied|\bforbidden\b|\b403\b|request (was )?blocked|you have been blocked/i, 'access denied'],
  [
    /just a moment|checking (if the site connection is secure|your browser)|attention required|ddos protection/i,
    'bot challenge',
  ],
  [/enable javascript|javascript is (disabled|required)|enable cookies/i, 'needs JavaScript'],
  [/captcha|are you a robot|not a robot|unusual traffic|verify you are human/i, 'captcha'],
  [
    /service (is )?(temporarily )?unavailable|\b50[234]\b|bad gateway|gateway time-?out|internal server error|under maintenance/i,
    'server error',
  ],
  [/too many requests|\b429\b|rate limit/i, 'rate limited'],
  [
    /moved permanently|\bredirecting\b|you are being redirected|click here if you are not redirected|this page has moved/i,
    'redirect stub',
  ],
  [/try again later|something went wrong|an error (has )?occurred|we['’]re all mixed up|oops/i, 'generic error'],
];

/** Terms that real notices use over and over; error pages and stubs carry few or none. */
const POLICY_TERMS: ReadonlyArray<RegExp> = [
  /personal (data|information)/i,
  /privacy/i,
  /\bcollect/i,
  /\bprocess(ing)?\b/i,
  /\bcookies?\b/i,
  /third[- ]part(y|ies)/i,
  /\bretain|retention/i,
  /\bconsent\b/i,
  /your rights|right to (access|erasure|object|delete)/i,
  /\bcontroller\b|data protection/i,
  /\bshare\b|\bdisclos/i,
  /contact us/i,
];

export interface TextMeasure {
  /** Letters and digits of the visible text. */
  letters: number;
  /** Distinct POLICY_TERMS present. */
  policyTerms: number;
  /** Label of the first error phrase found, or null. */
  errorPhrase: string | null;
}

/** Measures a markdown body as a reader sees it: link text kept, URLs and markup dropped. */
export function measureBody(body: string): TextMeasure {
  const visible = visibleText(body);
  const letters = countLettersAndDigits(visible);
  const policyTerms = POLICY_TERMS.filter((term) => term.test(visible)).length;
  const error = ERROR_PHRASES.find(([pattern]) => pattern.test(visible));
  return { letters, policyTerms, errorPhrase: error ? error[1] : null };
}

/**
 * Flags a fetched body that no longer looks like the notice (code SUSPECT_BODY), or returns null.
 * - error page: a short body (under errorPageMaxLetters) with an error, challenge or redirect
 *   phrase, unless it still uses policy vocabulary; a long policy mentioning "404" is fine.
 * - collapse: under 10% of a substantial previous body.
 * - shrink: under 40% of a substantial previous body, and not itself a complete-looking policy
 *   (real rewrites do shrink a policy to a sixth; stubs and partial renders do not read like one).
 * - lost vocabulary: the previous body used many policy terms (English), the current one almost
 *   none, whatever its size: another page (home, marketing) is served at the notice URL. Notices
 *   in other languages never trigger it, as their previous version has few English terms too.
 */
export function assessPlausibility(current: SnapshotDocument, previous?: SnapshotDocument): Problem | null {
  const limits = PLAUSIBILITY_LIMITS;
  const now = measureBody(current.body);

  if (now.errorPhrase !== null && now.letters < limits.errorPageMaxLetters && now.policyTerms < 3) {
    return suspect(
      `The body looks like an error or stub page, not the notice: it is short (${now.letters} letters) and reads "${now.errorPhrase}".`,
    );
  }

  if (previous) {
    const before = measureBody(previous.body);
    if (before.letters >= limits.substantialLetters) {
      const ratio = now.letters / before.letters;
      const percent = Math.round(ratio * 100);
      if (ratio < limits.collapseRatio) {
        return suspect(
          `The body shrank to ${percent}% of the previous snapshot (${now.letters} of ${before.letters} letters): probably not the whole notice.`,
        );
      }
      const readsAsPolicy = now.letters >= limits.policyMinLetters && now.policyTerms >= limits.policyMinTerms;
      if (ratio < limits.shrinkRatio && !readsAsPolicy) {
        return suspect(
          `The body shrank to ${percent}% of the previous snapshot (${now.letters} of ${before.letters} letters) and no longer reads like a full privacy notice.`,
        );
      }
    }
    if (before.policyTerms >= limits.vocabularyBefore && now.policyTerms <= limits.vocabularyAfter) {
      return suspect(
        `The body no longer reads like a privacy notice: it uses ${now.policyTerms} of the ${POLICY_TERMS.length} usual policy terms, the previous snapshot used ${before.policyTerms}; another page may be served at this URL.`,
      );
    }
  }
  return null;
}

function suspect(message: string): Problem {
  return { code: 'SUSPECT_BODY', message };
}
