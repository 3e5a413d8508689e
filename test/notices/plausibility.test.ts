import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';

import phrases from '../../content/plausibility/phrases.json';
import phrasesSchema from '../../content/schemas/plausibility-phrases.schema.json';
import { assessPlausibility, buildSnapshotDocument, type SnapshotDocument, updateProfile } from '../../shared/notices';
import { JUNK, POLICY_EN, POLICY_FR, REAL_CHANGES } from '../support/plausibility-fixtures';

function doc(body: string): SnapshotDocument {
  return buildSnapshotDocument(null, {}, body);
}

/** A made-up but realistic notice of roughly `sections` x 600 letters. */
function policy(sections: number, extra = ''): string {
  const parts = ['# Tailspin Toys privacy notice', ''];
  for (let i = 1; i <= sections; i++) {
    parts.push(
      `## Section ${i}`,
      '',
      `We collect personal data such as your name and email when you create an account (purpose ${i}). ` +
        'We process it to provide the service, share it with third parties only as described here, ' +
        'and keep it for the retention period stated below. Where we rely on consent you can withdraw it. ' +
        'You have rights to access, correct and delete your data; contact us to use them. ' +
        'We use cookies to remember your settings.',
      '',
    );
  }
  parts.push(extra);
  return parts.join('\n');
}

describe('assessPlausibility', () => {
  it('accepts a real notice, first fetch or unchanged', () => {
    const current = doc(policy(12));
    expect(assessPlausibility(current)).toBeNull();
    expect(assessPlausibility(current, current)).toBeNull();
  });

  it('accepts a long notice that mentions 404, "not found" and "redirecting" deep inside', () => {
    const body = policy(
      10,
      'If a page you request returns 404 (page not found) or is redirecting, our servers log the URL for 7 days.',
    );
    expect(assessPlausibility(doc(body), doc(policy(10)))).toBeNull();
  });

  it('flags error, challenge and stub pages served with 200, even on a first fetch', () => {
    const pages = [
      '# 404\n\nPage not found. The page you are looking for does not exist.',
      '# Access denied\n\nYou do not have permission to view this page.',
      'Just a moment...\n\nChecking your browser before accessing the site.',
      'Please enable JavaScript to continue.',
      'Verify you are human: complete the CAPTCHA below.',
      '# Service unavailable\n\nPlease try again later.',
      '# Too many requests',
      'Moved Permanently. Redirecting to /legal/privacy.',
      "# We're all mixed up\n\nRefresh this page or try again later.",
    ];
    for (const page of pages) {
      const problem = assessPlausibility(doc(page));
      expect(problem, page).not.toBeNull();
      expect(problem?.code).toBe('SUSPECT_BODY');
      expect(problem?.message).toMatch(/error or stub page/);
    }
  });

  it('does not flag a short notice that merely mentions an error word but reads like a policy', () => {
    const body =
      '# Privacy\n\nWe collect no personal data. We set no cookies. If a page is not found we log nothing. Contact us with questions about your rights.';
    expect(assessPlausibility(doc(body))).toBeNull();
  });

  it('flags a body far smaller than a substantial previous one', () => {
    const previous = doc(policy(20));
    const stub = doc('[Home](/) [About](/about) [Privacy](/privacy) [Terms](/terms)\n\n![logo](/logo.svg)');
    const problem = assessPlausibility(stub, previous);
    expect(problem?.code).toBe('SUSPECT_BODY');
    expect(problem?.message).toMatch(/shrank to \d+% of the previous snapshot/);
  });

  it('flags a partial render under 40% that no longer reads like a whole policy', () => {
    const previous = doc(policy(20));
    const partial = doc(
      '# Tailspin Toys privacy notice\n\n' + 'Loading the rest of this page from our content service. '.repeat(40),
    );
    // "Loading" in a short body with no policy vocabulary: a placeholder, whichever signal names it first.
    expect(assessPlausibility(partial, previous)?.message).toMatch(
      /no longer reads like a full privacy notice|error or stub page/,
    );
  });

  it('accepts a real rewrite that is much shorter but still a complete notice', () => {
    expect(assessPlausibility(doc(policy(12)), doc(policy(40)))).toBeNull();
  });

  it('does not compare sizes with an insubstantial previous body', () => {
    const previous = doc('# Privacy\n\nWe keep no personal data at all.');
    expect(assessPlausibility(doc('# Privacy\n\nWe collect nothing, keep nothing.'), previous)).toBeNull();
  });

  it('flags another page served at the notice URL, even at the same size', () => {
    const previous = doc(policy(8));
    const marketing = doc(
      Array.from(
        { length: 40 },
        (_, i) =>
          `## Build with Tailspin, model ${i}\n\nFast toys for fast kids, series ${i}. Have fun with friends and family. Ship anywhere in ${i + 2} days.\n\n`,
      ).join(''),
    );
    expect(assessPlausibility(marketing, previous)?.message).toContain('no longer reads like a privacy notice');
  });

  it('does not flag notices in other languages for lacking English terms', () => {
    const german =
      '# Datenschutzerklärung\n\n' +
      'Wir verarbeiten personenbezogene Daten nur im erforderlichen Umfang und löschen sie nach Ablauf der Fristen. '.repeat(
        60,
      );
    expect(assessPlausibility(doc(german), doc(german + '\nNeuer Absatz.'))).toBeNull();
  });
});

describe('assessPlausibility across languages and sites (fixtures of our own writing)', () => {
  const profileOf = (body: string) => updateProfile(undefined, doc(body));

  for (const junk of JUNK) {
    it(`refuses ${junk.kind}, naming the signal and its figures`, () => {
      const previous = junk.previous ?? POLICY_EN;
      const suspicion = assessPlausibility(doc(junk.body), doc(previous), profileOf(previous));
      expect(suspicion, junk.kind).not.toBeNull();
      expect(suspicion?.code).toBe('SUSPECT_BODY');
      expect(suspicion?.signal).toBe(junk.signal);
      expect(Object.keys(suspicion?.figures ?? {}).length).toBeGreaterThan(0);
      expect(suspicion?.message.length).toBeGreaterThan(20);
    });
  }

  for (const change of REAL_CHANGES) {
    it(`reports ${change.kind} at once`, () => {
      expect(assessPlausibility(doc(change.after), doc(change.before), profileOf(change.before))).toBeNull();
    });
  }

  it('refuses empty bodies and error pages on a first fetch too, with no history to compare with', () => {
    for (const junk of JUNK.filter((entry) =>
      ['empty', 'error-page', 'offline-copy', 'repetition'].includes(entry.signal),
    )) {
      expect(assessPlausibility(doc(junk.body))?.signal, junk.kind).toBe(junk.signal);
    }
    expect(assessPlausibility(doc(POLICY_EN))).toBeNull();
    expect(assessPlausibility(doc(POLICY_FR))).toBeNull();
  });

  it('refuses a long notice cut mid-sentence past its first 256 KiB, where only the rest is lost', () => {
    const full = policy(1_200);
    expect(full.length).toBeGreaterThan(400 * 1024);
    const cut = full.slice(0, Math.floor(full.length * 0.6)).replace(/\s+\S*$/, '');
    expect(cut.length).toBeGreaterThan(256 * 1024);
    expect(assessPlausibility(doc(cut), doc(full))?.signal).toBe('truncation');
  });

  it('takes terms of use for another document even with a footer of privacy links', () => {
    const terms = JUNK.find((entry) => entry.kind.startsWith('long terms of use'))!.body;
    const footer =
      '\n\n[Privacy notice](/privacy) · [Cookie policy](/cookies) · [Cookie settings](#consent) · [Your privacy choices](/choices)\n';
    expect(assessPlausibility(doc(terms + footer), doc(POLICY_EN), profileOf(POLICY_EN))?.signal).toBe(
      'another-document',
    );
  });

  it('finds the error phrase of a short page however much markup and link targets surround it', () => {
    // 450 region links with flags: under 1,000 letters, but over 4,000 characters.
    const regions = Array.from({ length: 450 }, (_, i) => `r${i}`);
    const body =
      '# Page not found\n\nThe page you are looking for does not exist.\n\nChoose your region:\n\n' +
      regions.map((region) => `- 🇪🇺 [${region.toUpperCase()}](/${region}/)`).join('\n');
    expect(body.length).toBeGreaterThan(4_000);
    expect(assessPlausibility(doc(body))?.signal).toBe('error-page');
  });

  it('does not count empty headings as a heading standing alone', () => {
    expect(
      assessPlausibility(doc('#\n\n##\n\n###\n\nWe collect no personal data and set no cookies at all.')),
    ).toBeNull();
  });

  it('does not take a short cookie notice for a consent wall', () => {
    const cookies =
      '# Cookie notice\n\nOur website sets two cookies: one keeps you signed in, one remembers your choices for a year. ' +
      'You can change your choices at any time from the cookie settings link at the bottom of every page.';
    expect(assessPlausibility(doc(cookies))).toBeNull();
  });

  it('explains an error page with the phrase, its kind and its language', () => {
    const suspicion = assessPlausibility(doc('# Wartungsarbeiten\n\nWir sind bald zurück.'));
    expect(suspicion?.figures).toMatchObject({ kind: 'maintenance', phrase: 'wartungsarbeiten', language: 'de' });
    expect(suspicion?.message).toContain('"wartungsarbeiten" (maintenance, de)');
  });

  it('keeps the profile of titles and headings across versions, so a language switch is not another document', () => {
    let profile = updateProfile(undefined, doc(POLICY_EN));
    profile = updateProfile(profile, doc(POLICY_FR));
    expect(profile.privacyTitle).toBe(true);
    expect(profile.identityWords).toEqual(expect.arrayContaining(['security', 'cookies']));
    // A short English page, not titled as a privacy notice, under the English headings, after the
    // French version: against the French version alone its headings were never the notice's, but
    // the profile remembers them.
    const headings = [...POLICY_EN.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
    const pointers = doc(
      [
        '# Wingtip Bikes: how we handle your information',
        ...headings.flatMap((heading) => [
          `## ${heading}`,
          `Read the part on ${heading.toLowerCase()} in the rider charter, at any dock or in the app.`,
        ]),
      ].join('\n\n'),
    );
    expect(assessPlausibility(pointers, doc(POLICY_FR))?.signal).toBe('another-document');
    expect(assessPlausibility(pointers, doc(POLICY_FR), profile)).toBeNull();
  });
});

describe('content/plausibility/phrases.json', () => {
  it('is valid against its schema and covers English, French, German, Spanish, Italian, Dutch and Portuguese', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(phrasesSchema);
    expect(validate(phrases), JSON.stringify(validate.errors)).toBe(true);
    for (const kind of ['not found', 'bot challenge', 'maintenance', 'server error', 'generic error', 'loading']) {
      expect(Object.keys(phrases.errorPhrases[kind as keyof typeof phrases.errorPhrases]).sort()).toEqual(
        ['de', 'en', 'es', 'fr', 'it', 'nl', 'pt'].sort(),
      );
    }
    for (const concept of Object.values(phrases.policyVocabulary)) {
      expect(Object.keys(concept).sort()).toEqual(['de', 'en', 'es', 'fr', 'it', 'nl', 'pt'].sort());
    }
  });
});
