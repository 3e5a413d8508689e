import { describe, expect, it } from 'vitest';

import { compileVocabulary, extractClaims, SHIPPED_VOCABULARY } from '../../shared/claims';

const claimsOf = (body: string) => extractClaims({ body });

describe('the minimum TLS version a notice promises', () => {
  it.each([
    ['TLS 1.2 (or higher) is required for accessing the server endpoints.', '1.2'],
    ['We accept connections over TLS 1.2 or TLS 1.3 only.', '1.2'],
    ['Our APIs require TLSv1.3.', '1.3'],
    ['Clients must use TLS 1.2+ when calling the API.', '1.2'],
    ['TLS 1.0 and TLS 1.1 are disabled on all our endpoints.', '1.2'],
    ['TLS 1.0 is no longer supported.', '1.1'],
    ['TLS 1.0 and 1.1 are deprecated; TLS 1.2 or later is required.', '1.2'],
    ['Les connexions utilisent TLS 1.2 au minimum.', '1.2'],
    ['Verbindungen erfordern mindestens TLS 1.3.', '1.3'],
  ])('reads "%s" as %s', (sentence, expected) => {
    const claims = claimsOf(`# Security\n\n${sentence}\n`);
    expect(claims.tlsMinimum).toBe(expected);
    expect(claims.tlsEvidence).toEqual({ heading: 'Security', text: sentence });
  });

  it.each([
    'We use SSL 3.0 for legacy clients.',
    'Data is protected with TLS.',
    'Version 1.2 of our app added dark mode. TLS protects your session.',
  ])('finds no promise in "%s"', (sentence) => {
    expect(claimsOf(sentence).tlsMinimum).toBeNull();
  });

  it('keeps the strictest promise of the notice, with the sentence that makes it', () => {
    const claims = claimsOf('# A\n\nThe portal needs TLS 1.2 or higher.\n\n# B\n\nThe payment API requires TLS 1.3.\n');
    expect(claims.tlsMinimum).toBe('1.3');
    expect(claims.tlsEvidence?.heading).toBe('B');
  });
});

describe('encryption statements', () => {
  it('tells in transit from at rest, and says whose keys where the text does', () => {
    const claims = claimsOf(
      '## Security\n\nAll connections are encrypted with TLS. Data stored in our databases is encrypted at rest with customer-managed keys.\n',
    );
    expect(claims.encryption.map((claim) => [claim.scope, claim.keys])).toEqual([
      ['in transit', []],
      ['at rest', ['customer']],
    ]);
    expect(claims.encryption[1].evidence.text).toBe(
      'Data stored in our databases is encrypted at rest with customer-managed keys.',
    );
  });

  it('ignores negated statements and reads end-to-end encryption as in transit with keys only at the ends', () => {
    expect(claimsOf('Backups are not encrypted.').encryption).toEqual([]);
    const claims = claimsOf('Your messages are protected by end-to-end encryption.');
    expect(claims.encryption.map((claim) => [claim.scope, claim.keys])).toEqual([['in transit', ['end-to-end']]]);
  });

  it('reads French statements', () => {
    const claims = claimsOf(
      'Vos données sont chiffrées lors de la transmission et stockées chiffrées sur nos serveurs.',
    );
    expect(claims.encryption.map((claim) => claim.scope)).toEqual(['in transit', 'at rest']);
  });
});

describe('services named', () => {
  it('names each service once, by its vocabulary name, with what it receives and why', () => {
    const claims = claimsOf(
      '# Sharing\n\nWe send your email address and IP address to Mailchimp for the purpose of sending newsletters, and to Google Analytics in order to measure visits.\n\nMailchimp is based in the United States.\n',
    );
    expect(claims.services).toEqual([
      {
        name: 'Mailchimp',
        receives: ['IP address', 'email address'],
        purposes: ['sending newsletters'],
        evidence: {
          heading: 'Sharing',
          text: 'We send your email address and IP address to Mailchimp for the purpose of sending newsletters, and to Google Analytics in order to measure visits.',
        },
      },
      {
        name: 'Google Analytics',
        receives: ['IP address', 'email address'],
        purposes: ['measure visits'],
        evidence: expect.objectContaining({ heading: 'Sharing' }),
      },
    ]);
  });

  it('matches names that are also ordinary words only as written', () => {
    expect(claimsOf('Please segment your audience by region.').services).toEqual([]);
    expect(claimsOf('We share usage data with Segment.').services.map((service) => service.name)).toEqual(['Segment']);
  });

  it("does not list the notice's own service, named in its title, as a service it shares with", () => {
    const claims = extractClaims({
      body: '# WhatsApp Privacy Policy\n\nWhatsApp shares your phone number with Meta and stores it with Twilio.\n',
      metadata: { title: 'WhatsApp Privacy Policy' },
    });
    expect(claims.services.map((service) => service.name)).toEqual(['Meta', 'Twilio']);
  });

  it('takes the longest name: Google Analytics is not also Google', () => {
    expect(claimsOf('We use Google Analytics.').services.map((service) => service.name)).toEqual(['Google Analytics']);
  });

  it('learns services a user adds to the vocabulary', () => {
    const vocabulary = compileVocabulary([
      ...SHIPPED_VOCABULARY,
      { services: [{ name: 'Northwind Mailer', aliases: ['Northwind mail service'] }] },
    ]);
    const claims = extractClaims({ body: 'Receipts are sent through the Northwind mail service.' }, vocabulary);
    expect(claims.services.map((service) => service.name)).toEqual(['Northwind Mailer']);
  });
});

describe('retention periods', () => {
  it('normalises periods in sentences about keeping or deleting data', () => {
    const claims = claimsOf(
      'We retain logs for thirty days. Backups are deleted after 13 months. Account data is kept for one year after closure.',
    );
    expect(claims.retention.map((claim) => claim.period)).toEqual(['30 days', '13 months', '1 year']);
  });

  it('does not read ages or unrelated durations as retention', () => {
    expect(claimsOf('You must be 16 years old to keep an account.').retention).toEqual([]);
    expect(claimsOf('We answer requests within 30 days.').retention).toEqual([]);
    expect(claimsOf('Requests to delete: 24 received, average response time 3 days.').retention).toEqual([]);
    expect(claimsOf('Ads may target 35-44 year olds, and we store the audience for that.').retention).toEqual([]);
  });

  it('reads French periods', () => {
    expect(claimsOf('Les données sont conservées pendant 3 ans.').retention.map((claim) => claim.period)).toEqual([
      '3 years',
    ]);
  });
});

describe('contact addresses', () => {
  it('reads addresses written with markdown escapes as written', () => {
    expect(claimsOf('Write to dpo\\_team@contoso.example.').contacts.map((claim) => claim.address)).toEqual([
      'dpo_team@contoso.example',
    ]);
  });

  it('finds addresses in text and in mailto links, not in image names', () => {
    const claims = claimsOf(
      '## Contact\n\nWrite to [our DPO](mailto:DPO@Contoso.example) or privacy@contoso.example. ![logo](logo@2x.png)\n',
    );
    expect(claims.contacts.map((claim) => claim.address)).toEqual(['dpo@contoso.example', 'privacy@contoso.example']);
    expect(claims.contacts[0].evidence).toEqual({
      heading: 'Contact',
      text: 'Write to our DPO or privacy@contoso.example.',
    });
  });
});

describe('reading the structure of the notice', () => {
  it('gives each claim its heading path and leaves code blocks alone', () => {
    const claims = claimsOf(
      '# Notice\n\n## Security\n\n### Transport\n\nTLS 1.2 or higher is required.\n\n```\nTLS 1.0 is accepted by the demo server\n```\n',
    );
    expect(claims.tlsEvidence).toEqual({
      heading: 'Notice > Security > Transport',
      text: 'TLS 1.2 or higher is required.',
    });
  });

  it('does not end a sentence at an abbreviation', () => {
    const claims = claimsOf('We use processors, e.g. Stripe, to take payments.');
    expect(claims.services[0].evidence.text).toBe('We use processors, e.g. Stripe, to take payments.');
  });

  it('quotes evidence up to a bounded length', () => {
    const long = `We share data with Stripe ${'and more words '.repeat(100)}.`;
    expect(claimsOf(long).services[0].evidence.text.length).toBeLessThanOrEqual(300);
  });
});

describe('hostile text', () => {
  it.each([
    ['a megabyte of link openers', ']('.repeat(500_000)],
    ['a megabyte of @ signs', '@'.repeat(1_000_000)],
    ['a megabyte of heading marks', `# ${'#'.repeat(1_000_000)}x`],
    ['a megabyte without spaces', 'a'.repeat(1_000_000)],
    ['a megabyte of spaces before a word', `${' '.repeat(1_000_000)}x`],
    ['half a million short sentences', 'TLS 1.2 is required. '.repeat(50_000)],
  ])('scans %s in linear time', (_name, body) => {
    const started = performance.now();
    extractClaims({ body });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('stops at the scanning bound and says so', () => {
    const claims = claimsOf(`${'Filler text here. '.repeat(120_000)}\n\nWe use Stripe.`);
    expect(claims.truncated).toBe(true);
    expect(claims.services).toEqual([]);
  });
});
