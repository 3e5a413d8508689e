import { describe, expect, it } from 'vitest';

import { redactJson, redactSecrets } from '../../shared/common/redact';

/** Made-up secrets in the shapes the real ones have (base64 with + / =, which URL-encoding turns into %2B %2F %3D). */
const SIG = 'K5bLdM2Ezq+cDUKPpg3/toGuFTR2li1Qn7KuV6urmw=';
const SIG_ENCODED = encodeURIComponent(SIG);
const KEY = 'Zm9vYmFyYmF6cXV4+cXV1eA/ZGV2c3RvcmVrZXk0NTY3ODk=';
const SAS = `sv=2026-04-06&ss=b&srt=sco&se=2026-12-01T16%3A00%3A35Z&sp=rwdlac&sig=${SIG_ENCODED}`;
const URL_WITH_SAS = `https://acct.blob.core.windows.net/reports?${SAS}&restype=container`;

function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

/** No spelling of the signature survives, and what is not secret does. */
function expectNoSignature(text: string): void {
  const out = redactSecrets(text);
  for (const form of [SIG, SIG_ENCODED, encodeURIComponent(SIG_ENCODED), SIG.slice(0, 12), SIG_ENCODED.slice(0, 12)])
    expect(out, `${text}\n->\n${out}`).not.toContain(form);
  expect(out).toContain('[REDACTED]');
}

describe('redactSecrets', () => {
  it.each([
    ['plain URL', `GET ${URL_WITH_SAS} failed`],
    ['sig first after ?', `https://acct.blob.core.windows.net/c?sig=${SIG_ENCODED}&sv=2026-04-06`],
    ['HTML-escaped &amp;', `<p>Upstream failed for ${htmlEscape(URL_WITH_SAS)}</p>`],
    ['numeric entity &#38;', `<p>${URL_WITH_SAS.replace(/&/g, '&#38;')}</p>`],
    ['hex entity &#x26;', `<p>${URL_WITH_SAS.replace(/&/g, '&#x26;')}</p>`],
    ['URL-encoded %26sig=', `redirect=${URL_WITH_SAS.replace(/&/g, '%26')}`],
    ['URL-encoded sig%3D', `next=${encodeURIComponent(URL_WITH_SAS)}`],
    ['double-encoded %2526sig%253D', `next=${encodeURIComponent(encodeURIComponent(URL_WITH_SAS))}`],
    [';sig=', `SharedAccessSignature=sv=2026-04-06;sig=${SIG_ENCODED};`],
    ['JSON-escaped \\u0026sig=', JSON.stringify(URL_WITH_SAS).replace(/&/g, '\\u0026')],
    ['entity for = (sig&#61;)', `<p>?sv=1&amp;sig&#61;${SIG_ENCODED}</p>`],
    ['JSON member "sig"', JSON.stringify({ error: { sig: SIG } })],
    ['JSON member with spaces', `{ "sig" : "${SIG}" }`],
    ['JSON inside a JSON string', JSON.stringify({ body: JSON.stringify({ sig: SIG }) })],
    ['HTML-escaped JSON', htmlEscape(JSON.stringify({ sig: SIG }))],
    ['JavaScript object (util.inspect)', `{ sig: '${SIG}' }`],
    ['SharedAccessSignature in a connection string', `BlobEndpoint=https://a/;SharedAccessSignature=${SAS}`],
  ])('removes a SAS signature: %s', (_name, text) => expectNoSignature(text));

  it.each([
    [
      'connection string',
      `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${KEY};EndpointSuffix=core.windows.net`,
    ],
    ['URL-encoded connection string', encodeURIComponent(`AccountName=acct;AccountKey=${KEY};`)],
    ['JSON "AccountKey"', JSON.stringify({ AccountKey: KEY })],
    ['JSON "accountKey" with an escaped slash', `{"accountKey":"${KEY.replace('/', '\\/')}"}`],
    ['JSON "account_key"', `{"account_key": "${KEY}"}`],
    ['JSON "authorization": "SharedKey ..."', JSON.stringify({ headers: { authorization: `SharedKey acct:${KEY}` } })],
    ['header line', `Authorization: SharedKey acct:${KEY}\r\nx-ms-version: 2026-04-06`],
    ['SharedKey scheme anywhere', `request carried SharedKey acct:${KEY} and failed`],
    ['bearer token', `Authorization header was Bearer ${KEY}`],
    ['JSON "Authorization": "Bearer ..."', JSON.stringify({ Authorization: `Bearer ${KEY}` })],
    ['x-functions-key header', `x-functions-key: ${KEY}`],
    ['function key in a URL', `GET /api/reports/latest?code=${encodeURIComponent(KEY)}`],
    ['function key in an HTML-escaped URL', `/api/dashboard/?x=1&amp;code=${encodeURIComponent(KEY)}`],
    [
      'storage MAC detail',
      `The MAC signature found in the HTTP request '${KEY}' is not the same as any computed signature.`,
    ],
    ['storage MAC detail, HTML-escaped', `The MAC signature found in the HTTP request &#39;${KEY}&#39; is not`],
  ])('removes a key: %s', (_name, text) => {
    const out = redactSecrets(text);
    for (const form of [KEY, encodeURIComponent(KEY), KEY.slice(0, 16)]) expect(out, out).not.toContain(form);
    expect(out).toContain('[REDACTED]');
  });

  it('keeps what is not secret, and JSON stays valid', () => {
    const out = redactSecrets(`GET ${URL_WITH_SAS} failed`);
    expect(out).toBe(
      'GET https://acct.blob.core.windows.net/reports?sv=2026-04-06&ss=b&srt=sco&se=2026-12-01T16%3A00%3A35Z&sp=rwdlac&sig=[REDACTED]&restype=container failed',
    );
    const json = redactSecrets(
      JSON.stringify({ error: { code: 'STORAGE_ERROR', message: `at ${htmlEscape(URL_WITH_SAS)}` }, sig: SIG }),
    );
    expect(JSON.parse(json)).toEqual({
      error: {
        code: 'STORAGE_ERROR',
        message: expect.stringContaining('&amp;sig=[REDACTED]&amp;restype=container'),
      },
      sig: '[REDACTED]',
    });
    const plain = 'The signature of the notice changed; design notes mention "signals" and a code=review step.';
    expect(redactSecrets(plain)).toBe(plain);
  });
});

describe('redactJson', () => {
  it('redacts every string and every secret-named member, leaving the shape alone', () => {
    const at = new Date(0);
    const value = {
      run: { notices: [{ error: { code: 'STORAGE_ERROR', message: `failed for ${htmlEscape(URL_WITH_SAS)}` } }] },
      headers: { Authorization: 'opaque-token-without-scheme', sig: 'bare' },
      count: 3,
      ok: true,
      nothing: null,
      at,
    };
    const out = redactJson(value);
    expect(JSON.stringify(out)).not.toContain(SIG_ENCODED);
    expect(out.headers).toEqual({ Authorization: '[REDACTED]', sig: '[REDACTED]' });
    expect(out.run.notices[0].error.code).toBe('STORAGE_ERROR');
    expect(out).toMatchObject({ count: 3, ok: true, nothing: null });
    expect(out.at).toBe(at);
    expect(value.headers.sig).toBe('bare');
  });
});
