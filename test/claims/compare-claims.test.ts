import { describe, expect, it } from 'vitest';

import { changeClaimFields, raisesAlert } from '../../shared/claims';
import { analyseChange } from '../../shared/diff';

const doc = (body: string) => ({ text: body, metadata: {}, body });

function compare(before: string, after: string) {
  const previous = doc(before);
  const current = doc(after);
  return changeClaimFields(previous, current, analyseChange(previous, current));
}

const BASE = `# Notice

## Sharing

We send your email address to Mailchimp for the purpose of sending newsletters.

## Retention

We keep activity data for 90 days.

## Security

TLS 1.2 or higher is required. Stored data is encrypted at rest.

## Contact

Write to privacy@contoso.example.
`;

describe('claim changes and the severity of a change', () => {
  it('rates a reworded sentence that keeps every claim low, and still alerts on the new wording', () => {
    const fields = compare(
      BASE,
      BASE.replace('We keep activity data for 90 days.', 'Activity data is kept for 90 days.'),
    );
    expect(fields.claimChanges).toEqual([]);
    expect(fields.severity).toBe('low');
    expect(raisesAlert(fields.severity, false)).toBe(true);
    expect(raisesAlert('none', false)).toBe(false);
  });

  it('rates a changed TLS promise high', () => {
    const fields = compare(BASE, BASE.replace('TLS 1.2 or higher', 'TLS 1.3 or higher'));
    expect(fields.claimChanges).toEqual([
      {
        claim: 'tlsMinimum',
        change: 'changed',
        before: '1.2',
        after: '1.3',
        evidence: { heading: 'Notice > Security', text: 'TLS 1.3 or higher is required.' },
        previousEvidence: { heading: 'Notice > Security', text: 'TLS 1.2 or higher is required.' },
      },
    ]);
    expect(fields.severity).toBe('high');
  });

  it('rates a new processor high, naming it with its evidence', () => {
    const fields = compare(BASE, BASE.replace('to Mailchimp', 'to Mailchimp and to Twilio'));
    expect(fields.claimChanges).toMatchObject([{ claim: 'service', change: 'added', before: null, after: 'Twilio' }]);
    expect(fields.severity).toBe('high');
    expect(raisesAlert(fields.severity, false)).toBe(true);
    expect(raisesAlert(fields.severity, true)).toBe(false);
  });

  it('reports a period replaced in its section as changed, and rates it medium', () => {
    const fields = compare(BASE, BASE.replace('90 days', '180 days'));
    expect(fields.claimChanges).toMatchObject([
      { claim: 'retention', change: 'changed', before: '90 days', after: '180 days' },
    ]);
    expect(fields.severity).toBe('medium');
  });

  it('reports dropped encryption high and a replaced address as changed', () => {
    const fields = compare(
      BASE,
      BASE.replace(' Stored data is encrypted at rest.', '').replace('privacy@contoso.example', 'dpo@contoso.example'),
    );
    expect(fields.claimChanges).toMatchObject([
      { claim: 'encryption', change: 'removed', before: 'at rest', after: null },
      { claim: 'contact', change: 'changed', before: 'privacy@contoso.example', after: 'dpo@contoso.example' },
    ]);
    expect(fields.severity).toBe('high');
  });

  it('says what a service receives when that changes', () => {
    const fields = compare(BASE, BASE.replace('your email address', 'your email address and phone number'));
    expect(fields.claimChanges).toMatchObject([
      {
        claim: 'service',
        change: 'changed',
        before: 'Mailchimp (receives: email address)',
        after: 'Mailchimp (receives: email address, phone number)',
      },
    ]);
    expect(fields.severity).toBe('medium');
  });

  it('rates a new section without new claims medium and a metadata-only change none', () => {
    expect(compare(BASE, `${BASE}\n## Your rights\n\nYou may ask for a copy of your data.\n`).severity).toBe('medium');
    const previous = { text: `---\na: 1\n---\n${BASE}`, metadata: { a: 1 }, body: BASE };
    const current = { text: `---\na: 2\n---\n${BASE}`, metadata: { a: 2 }, body: BASE };
    expect(changeClaimFields(previous, current, analyseChange(previous, current))).toMatchObject({
      claimChanges: [],
      severity: 'none',
    });
  });
});
