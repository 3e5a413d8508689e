import { describe, expect, it } from 'vitest';

import { assessPlausibility, buildSnapshotDocument, type SnapshotDocument } from '../../shared/notices';

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
    expect(assessPlausibility(partial, previous)?.message).toMatch(
      /no longer reads like a full privacy notice|no longer reads like a privacy notice/,
    );
  });

  it('accepts a real rewrite that is much shorter but still a complete notice', () => {
    expect(assessPlausibility(doc(policy(12)), doc(policy(40)))).toBeNull();
  });

  it('does not compare sizes with an insubstantial previous body', () => {
    const previous = doc('# Privacy\n\nWe keep nothing.');
    expect(assessPlausibility(doc('# Privacy\n\nNone.'), previous)).toBeNull();
  });

  it('flags another page served at the notice URL, even at the same size', () => {
    const previous = doc(policy(8));
    const marketing = doc(
      '## Build with Tailspin\n\nFast toys for fast kids. Share the fun with friends and family. Ship anywhere in days.\n\n'.repeat(
        40,
      ),
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
