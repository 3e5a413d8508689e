import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';

import { type ALERT_KINDS, sampleAlert, signatureFor, teamsMessage, verifySignature } from '../../shared/notify';
import { buildPayload, type ReportDocument } from '../../shared/notify/payload';
import { channelBody, channelHeaders } from '../../shared/notify/send-alert';
import { teamsMessageProblems } from '../support/adaptive-card';

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
addFormats(ajv);
const validatePayload = ajv.compile(
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'content', 'schemas', 'alert-payload.schema.json'), 'utf8')),
);

const HOSTILE_HEADING = 'Terms > [Click me](https://evil.example) **now** <at>everyone</at>';

const changedNotice: ReportDocument = {
  kind: 'notice-check',
  id: 'contoso',
  url: 'https://contoso.example/privacy',
  runId: '20261201T060000Z-abc123',
  checkedAt: '2026-12-01T06:00:01.000Z',
  durationMs: 10,
  status: 'changed',
  substantive: true,
  alert: true,
  previousSnapshot: 'contoso/a.md',
  currentSnapshot: 'contoso/b.md',
  rawSnapshot: 'contoso/b',
  diff: '--- contoso/a.md\n+++ contoso/b.md\n',
  metadataChanges: [{ key: 'ms.date', before: '1', after: '2' }],
  sections: [
    { heading: HOSTILE_HEADING, change: 'modified', linesAdded: 1, linesRemoved: 1 },
    { heading: 'Terms > Sharing', change: 'added', linesAdded: 3, linesRemoved: 0 },
  ],
  wordChanges: [
    {
      heading: HOSTILE_HEADING,
      removed: 'We keep data for 90 days.',
      added: 'We keep data for 180 days.',
      parts: [
        { kind: 'same', text: 'We keep data for ' },
        { kind: 'removed', text: '90' },
        { kind: 'added', text: '180' },
        { kind: 'same', text: ' days.' },
      ],
      truncated: false,
    },
  ],
  linesAdded: 4,
  linesRemoved: 1,
  recurrence: null,
  report: 'drift/2026/12/01/contoso/20261201T060000Z-abc123.json',
};

const failedNotice: ReportDocument = {
  kind: 'notice-check',
  id: 'contoso',
  url: 'https://contoso.example/privacy',
  runId: '20261201T060000Z-abc123',
  checkedAt: '2026-12-01T06:00:01.000Z',
  durationMs: 10,
  status: 'error',
  error: { code: 'SUSPECT_BODY', message: 'The body looks like an error page. Not treated as a change (seen 1 of 3).' },
  previousSnapshot: 'contoso/a.md',
  currentSnapshot: null,
  rawSnapshot: null,
  report: 'drift/2026/12/01/contoso/20261201T060000Z-abc123.json',
};

const endpointReport: ReportDocument = {
  kind: 'endpoint-check',
  id: 'api',
  host: 'api.contoso.example',
  port: 443,
  servername: 'api.contoso.example',
  address: '192.0.2.10',
  checkedAt: '2026-12-01T03:30:00.000Z',
  durationMs: 900,
  minTls: '1.2',
  protocols: {
    SSLv3: 'rejected',
    TLSv1: 'accepted',
    'TLSv1.1': 'rejected',
    'TLSv1.2': 'accepted',
    'TLSv1.3': 'accepted',
  },
  protocolDetails: {} as never,
  certificate: null,
  compliant: false,
  findings: [
    {
      id: 'TLS1_0_ACCEPTED',
      severity: 'high',
      message: 'TLS 1.0 is accepted but the policy requires TLS 1.2 or higher.',
    },
  ],
  runId: '20261201T033000Z-def456',
  report: 'tls/2026/12/01/api/20261201T033000Z-def456.json',
};

const CASES: Array<[(typeof ALERT_KINDS)[number], ReportDocument, object]> = [
  ['notice-changed', changedNotice, {}],
  ['notice-held', failedNotice, {}],
  ['endpoint-noncompliant', endpointReport, { reasons: ['compliance-lost'] }],
  ['endpoint-recovered', { ...endpointReport, compliant: true, findings: [] }, { reasons: ['compliance-restored'] }],
  ['check-failing', failedNotice, { consecutiveFailures: 3 }],
  ['check-recovered', endpointReport, { consecutiveFailures: 4 }],
];

describe('alert payloads', () => {
  it.each(CASES)(
    'a %s payload matches alert-payload.schema.json and makes a valid Adaptive Card 1.5',
    (kind, document, facts) => {
      for (const publicUrl of ['https://nw.example.net', undefined]) {
        const payload = buildPayload(kind, document, document.report!, facts, publicUrl);
        expect(validatePayload(payload), JSON.stringify(validatePayload.errors)).toBe(true);
        expect(payload.id).toBe(`${document.report}#${kind}`);
        expect(teamsMessageProblems(teamsMessage(payload))).toEqual([]);
      }
    },
  );

  it('summarises a change: sections, metadata keys and the first changed words', () => {
    const payload = buildPayload('notice-changed', changedNotice, changedNotice.report!, {}, 'https://nw.example.net');
    expect(payload.summary).toMatchObject({
      sectionsTotal: 2,
      metadataKeys: ['ms.date'],
      words: { removed: '90', added: '180' },
      linesAdded: 4,
    });
    expect(payload.links).toEqual({
      report: 'https://nw.example.net/api/reports/drift/2026/12/01/contoso/20261201T060000Z-abc123.json',
      change:
        'https://nw.example.net/api/dashboard/#change=drift%2F2026%2F12%2F01%2Fcontoso%2F20261201T060000Z-abc123.json',
      dashboard: 'https://nw.example.net/api/dashboard/',
    });
  });

  it('shows notice text on a Teams card as written: markdown is escaped, buttons open the change and the dashboard', () => {
    const payload = buildPayload('notice-changed', changedNotice, changedNotice.report!, {}, 'https://nw.example.net');
    const card = teamsMessage(payload).attachments[0].content as {
      body: Array<{ type: string; text?: string; facts?: Array<{ title: string; value: string }> }>;
      actions: Array<{ title: string; url: string }>;
    };
    const text = JSON.stringify(card.body);
    expect(text).not.toContain('[Click me](https://evil.example)');
    expect(text).toContain('\\\\[Click me\\\\]\\\\(https://evil.example\\\\)');
    expect(text).not.toContain('**now**');
    expect(card.actions.map((action) => action.title)).toEqual(['Open the change', 'Open the dashboard']);
    expect(card.actions[0].url).toBe(payload.links.change);
  });

  it('names no links and no buttons when the public URL is not configured', () => {
    const payload = buildPayload(
      'check-failing',
      failedNotice,
      failedNotice.report!,
      { consecutiveFailures: 3 },
      undefined,
    );
    expect(payload.links).toEqual({ report: null, change: null, dashboard: null });
    expect(teamsMessage(payload).attachments[0].content.actions).toBeUndefined();
  });

  it('the notify test sample is a valid payload marked test', () => {
    const sample = sampleAlert(new Date('2026-12-01T06:00:00Z'), 'https://nw.example.net');
    expect(validatePayload(sample), JSON.stringify(validatePayload.errors)).toBe(true);
    expect(sample.test).toBe(true);
    expect(teamsMessageProblems(teamsMessage(sample))).toEqual([]);
  });
});

describe('webhook signing', () => {
  it('signs sha256=HMAC-SHA256(secret, timestamp + "." + body) over the exact body sent', () => {
    const payload = sampleAlert(new Date('2026-12-01T06:00:00Z'), undefined);
    const channel = { id: 'hook', kind: 'webhook' as const, url: 'https://hooks.example/x', secret: 's3cret' };
    const body = channelBody('webhook', payload);
    const now = new Date('2026-12-01T06:00:05Z');
    const headers = channelHeaders(channel, payload, body, now);
    expect(headers['X-Noticewatch-Timestamp']).toBe('1796104805');
    // The documented algorithm, computed independently.
    const expected = `sha256=${createHmac('sha256', 's3cret').update(`1796104805.${body}`).digest('hex')}`;
    expect(headers['X-Noticewatch-Signature']).toBe(expected);
    expect(signatureFor('s3cret', 1796104805, body)).toBe(expected);
    expect(headers['Idempotency-Key']).toBe(payload.id);
    expect(verifySignature('s3cret', '1796104805', body, expected, { now: now.getTime() })).toBe(true);
    // A replay outside the tolerance is refused even with a valid signature.
    expect(verifySignature('s3cret', '1796104805', body, expected, { now: now.getTime() + 600_000 })).toBe(false);
  });

  it('sends no signature headers to a channel without a secret', () => {
    const payload = sampleAlert(new Date(), undefined);
    const headers = channelHeaders(
      { id: 't', kind: 'teams', url: 'https://t.example', secret: null },
      payload,
      '{}',
      new Date(),
    );
    expect(headers['X-Noticewatch-Signature']).toBeUndefined();
    expect(headers['Idempotency-Key']).toBe(payload.id);
  });
});
