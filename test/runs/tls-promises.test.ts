import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { EndpointConfig, NoticeConfig } from '../../shared/config';
import { readLatest, readReport } from '../../shared/reports';
import { newRunId, runDrift, runTls } from '../../shared/runs';
import { readPointer, swapPointer } from '../../shared/runs/notice-pointer';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { noticeV1 } from '../support/sample-notices';
import { buildTestPki, type TestPki } from '../support/tls-certs';
import { type RunningServer, startTlsServer } from '../support/tls-servers';

let storage: TestStorage;
let notices: NoticeServer;
let legacyTls: RunningServer;
let pki: TestPki;
let clock = 0;

beforeAll(async () => {
  pki = buildTestPki();
  [storage, notices, legacyTls] = await Promise.all([
    startTestStorage(),
    startNoticeServer(),
    // A real TLS server that still accepts TLS 1.0 and 1.1, as well as 1.2 and 1.3.
    startTlsServer(pki.good, { min: 'TLSv1', max: 'TLSv1.3' }),
  ]);
});
afterAll(async () => {
  await Promise.all([storage?.stop(), notices?.close(), legacyTls?.close()]);
});

function run() {
  clock += 1;
  const startedAt = new Date(Date.UTC(2026, 11, 1, 3, 30, clock));
  return { runId: newRunId(startedAt, `p${clock}`), startedAt };
}

const EVIDENCE = {
  heading: 'Contoso Insights privacy notice > Data protection',
  text: 'TLS 1.2 (or higher) is required for accessing the server endpoints.',
};

describe("an endpoint linked to a notice is held to the notice's TLS promise", () => {
  const notice: NoticeConfig = { id: 'contoso-insights', url: '', format: 'markdown' };
  let endpoint: EndpointConfig;
  const tls = () => ({ allowPrivate: true, ca: pki.ca.certPem, timeoutMs: 2_000 });
  const checkTls = async () => {
    const summary = await runTls(storage.store, [endpoint], { ...run(), tls: tls() });
    expect(summary.endpoints).toHaveLength(1);
    return summary.endpoints[0];
  };
  const drift = async (text: string) => {
    notices.setText('/contoso/privacy.md', text, { etag: null });
    const summary = await runDrift(storage.store, [{ ...notice, url: `${notices.origin}/contoso/privacy.md` }], {
      ...run(),
      fetchOptions: { retries: 0 },
    });
    expect(summary.notices[0].status).not.toBe('error');
  };

  beforeAll(() => {
    endpoint = { id: 'contoso-api', host: '127.0.0.1', port: legacyTls.port, minTls: '1.0', notices: [notice.id] };
  });

  it('reports an endpoint accepting TLS 1.0 as breaking the promise, though its own minTls is 1.0', async () => {
    await drift(noticeV1());
    const result = await checkTls();
    expect(result.protocols).toMatchObject({ TLSv1: 'accepted', 'TLSv1.1': 'accepted', 'TLSv1.2': 'accepted' });
    expect(result).toMatchObject({ compliant: false, minTls: '1.2', configuredMinTls: '1.0' });
    expect(result.promises).toEqual([
      { notice: 'contoso-insights', claim: 'tlsMinimum', value: '1.2', evidence: EVIDENCE, holds: false },
    ]);
    const broken = result.findings.find((finding) => finding.id === 'PROMISE_BROKEN');
    expect(broken).toEqual({
      id: 'PROMISE_BROKEN',
      severity: 'high',
      message: `Notice contoso-insights promises TLS 1.2 or higher ("${EVIDENCE.text}", under "${EVIDENCE.heading}"), but TLS 1.0, TLS 1.1 are accepted.`,
    });
    expect(result.findings.find((finding) => finding.id === 'TLS1_0_ACCEPTED')?.message).toContain(
      "promised by notice contoso-insights; the endpoint's own minTls is 1.0",
    );

    // The stored report says the same, and validates against its schema; latest.json keeps the verdict.
    const report = await readReport<Record<string, unknown>>(storage.store, result.report!);
    expect(report.ok && report.value).toMatchObject({ promises: result.promises, compliant: false });
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(
      JSON.parse(readFileSync(join(__dirname, '../../content/schemas/endpoint-report.schema.json'), 'utf8')),
    );
    expect(validate(report.ok && report.value), JSON.stringify(validate.errors)).toBe(true);
    const latest = await readLatest(storage.store);
    expect(latest.ok && latest.value.endpoints['contoso-api'].promises).toEqual([
      { notice: 'contoso-insights', claim: 'tlsMinimum', value: '1.2', holds: false },
    ]);
    const validateLatest = ajv.compile(
      JSON.parse(readFileSync(join(__dirname, '../../content/schemas/latest.schema.json'), 'utf8')),
    );
    expect(validateLatest(latest.ok && latest.value), JSON.stringify(validateLatest.errors)).toBe(true);
  });

  it('uses the new promise in the next run after the notice raises it, and says so', async () => {
    await drift(noticeV1().replace('TLS 1.2 (or higher)', 'TLS 1.3'));
    const result = await checkTls();
    expect(result).toMatchObject({ compliant: false, minTls: '1.3', configuredMinTls: '1.0' });
    expect(result.promises).toMatchObject([{ value: '1.3', previousValue: '1.2', holds: false }]);
    expect(result.findings.find((finding) => finding.id === 'PROMISE_CHANGED')?.message).toMatch(
      /^Notice contoso-insights now promises TLS 1\.3 or higher \(the last check used TLS 1\.2\); this check used the new promise/,
    );
    expect(result.findings.find((finding) => finding.id === 'PROMISE_BROKEN')?.message).toContain(
      'but TLS 1.0, TLS 1.1, TLS 1.2 are accepted',
    );
  });

  it("falls back to the endpoint's own minTls when the notice drops its promise, and says so", async () => {
    await drift(noticeV1().replace('TLS 1.2 (or higher) is required for accessing the server endpoints.', ''));
    const result = await checkTls();
    expect(result).toMatchObject({ compliant: true, minTls: '1.0', configuredMinTls: '1.0' });
    expect(result.promises).toMatchObject([{ value: null, previousValue: '1.3', holds: null }]);
    expect(result.findings.map((finding) => finding.id)).toEqual(['PROMISE_CHANGED']);
  });

  it('reads the promise from the snapshot when the pointer was written before claims were kept', async () => {
    await drift(noticeV1());
    const state = await readPointer(storage.store, notice.id);
    if (!state.ok || !state.value.pointer?.lastGood) throw new Error('no pointer');
    const { promises: _dropped, ...older } = state.value.pointer.lastGood;
    const swapped = await swapPointer(storage.store, { ...state.value.pointer, lastGood: older }, state.value.etag);
    expect(swapped.ok && swapped.value).not.toBe('conflict');
    const result = await checkTls();
    expect(result.promises).toMatchObject([{ value: '1.2', evidence: EVIDENCE, holds: false }]);
  });

  it('warns, and checks against the own minTls, when a linked notice has no good version yet', async () => {
    const result = (
      await runTls(storage.store, [{ ...endpoint, id: 'fresh-api', minTls: '1.2', notices: ['never-checked'] }], {
        ...run(),
        tls: tls(),
      })
    ).endpoints[0];
    expect(result.promises).toMatchObject([
      { notice: 'never-checked', value: null, holds: null, problem: { code: 'NOTICE_NOT_CHECKED' } },
    ]);
    expect(result.findings.find((finding) => finding.id === 'PROMISE_UNAVAILABLE')?.severity).toBe('warning');
    expect(result.minTls).toBe('1.2');
  });
});
