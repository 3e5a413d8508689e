import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { NoticeConfig } from '../../shared/config';
import { recordReview } from '../../shared/history';
import type { NoticeCheckResult } from '../../shared/reports';
import { checkNotice, newRunId, runDrift, runTls } from '../../shared/runs';
import { CONTAINERS, LATEST_NAME, MemoryObjectStore } from '../../shared/storage';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { ERROR_PAGE, noticeV1, noticeV2, noticeV3 } from '../support/sample-notices';
import { buildTestPki } from '../support/tls-certs';
import { type RunningServer, startTlsServer, unusedPort } from '../support/tls-servers';

const SCHEMAS = join(__dirname, '..', '..', 'content', 'schemas');

function compile(file: string): ValidateFunction {
  // strict: true so a typo in a schema keyword fails here instead of silently validating nothing.
  // strictRequired off: the if/then blocks require properties declared at the top level, which is intended.
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')));
}

function expectValid(validate: ValidateFunction, value: unknown, label: string): void {
  const valid = validate(value);
  expect(
    valid
      ? []
      : validate.errors?.map((error) => `${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`),
    label,
  ).toEqual([]);
}

let server: NoticeServer;
const tlsServers: RunningServer[] = [];
const store = new MemoryObjectStore();
const reports = new Map<string, unknown>();
const endpointReports = new Map<string, unknown>();
const statuses = new Set<string>();
let latest: unknown;
let clock = 0;

/** Each run one second later, so report names and latest.json ordering are deterministic. */
function run() {
  clock += 1;
  const startedAt = new Date(Date.UTC(2026, 10, 29, 6, 0, clock));
  return { runId: newRunId(startedAt, `s${clock}`), startedAt };
}

const fast = { timeoutMs: 2_000, retries: 0, retryBackoffMs: 10 };

async function readJsonBlob(name: string): Promise<unknown> {
  const found = await store.get(CONTAINERS.reports, name);
  if (!found.ok || !found.value) throw new Error(`reports/${name} missing`);
  return JSON.parse(found.value.body.toString('utf8'));
}

beforeAll(async () => {
  server = await startNoticeServer();
  const notices: NoticeConfig[] = [
    { id: 'contoso', url: `${server.origin}/contoso.md`, format: 'markdown' },
    { id: 'fabrikam', url: `${server.origin}/fabrikam.md`, format: 'markdown' },
    { id: 'gone', url: `${server.origin}/gone.md`, format: 'markdown' },
    { id: 'cdn-error', url: `${server.origin}/cdn.md`, format: 'markdown' },
  ];
  const record = (results: readonly NoticeCheckResult[]) => results.forEach((result) => statuses.add(result.status));

  // Run 1: baselines, a 404 (error). Run 2: substantive change, 304 unchanged, error page served with 200 (suspect: error).
  // Run 3: metadata-only change. Then one direct checkNotice, as the CLI's `check` does.
  server.setText('/contoso.md', noticeV1());
  server.setText('/fabrikam.md', noticeV1());
  server.setText('/cdn.md', noticeV1());
  record((await runDrift(store, notices, { ...run(), fetchOptions: fast })).notices);
  server.setText('/contoso.md', noticeV2());
  server.setText('/cdn.md', ERROR_PAGE);
  record((await runDrift(store, notices, { ...run(), fetchOptions: fast })).notices);
  server.setText('/contoso.md', noticeV3());
  record((await runDrift(store, notices, { ...run(), fetchOptions: fast })).notices);
  const single = run();
  record([
    await checkNotice(
      notices[0],
      { runId: single.runId, startedAt: single.startedAt.toISOString() },
      { store, fetchOptions: fast },
    ),
  ]);

  // A real TLS run over local servers: compliant, expiring soon and checked per address, unreachable.
  const pki = buildTestPki();
  const [modern, expiring] = await Promise.all([
    startTlsServer(pki.good, { min: 'TLSv1.2', max: 'TLSv1.3' }),
    startTlsServer(pki.expiringSoon, { min: 'TLSv1.2', max: 'TLSv1.3' }),
  ]);
  tlsServers.push(modern, expiring);
  const endpoints = [
    { id: 'modern', host: '127.0.0.1', port: modern.port },
    { id: 'expiring', host: '127.0.0.1', port: expiring.port, allAddresses: true },
    { id: 'unreachable', host: '127.0.0.1', port: await unusedPort() },
  ];
  const tls = await runTls(store, endpoints, {
    ...run(),
    tls: { allowPrivate: true, ca: pki.ca.certPem, timeoutMs: 2_000 },
  });
  // Expiring soon is a warning, not a failure: still compliant, with a finding.
  expect(tls.endpoints.map((endpoint) => [endpoint.id, endpoint.compliant]).sort()).toEqual([
    ['expiring', true],
    ['modern', true],
    ['unreachable', false],
  ]);
  expect(tls.endpoints.find((endpoint) => endpoint.id === 'expiring')?.findings.map((finding) => finding.id)).toContain(
    'CERT_EXPIRING_SOON',
  );

  const names = await store.list(CONTAINERS.reports, 'drift/');
  if (!names.ok) throw new Error(names.problem.message);
  for (const name of names.value) reports.set(name, await readJsonBlob(name));
  const tlsNames = await store.list(CONTAINERS.reports, 'tls/');
  if (!tlsNames.ok) throw new Error(tlsNames.problem.message);
  for (const name of tlsNames.value) endpointReports.set(name, await readJsonBlob(name));
  latest = await readJsonBlob(LATEST_NAME);
});
afterAll(async () => {
  await Promise.all([server?.close(), ...tlsServers.map((tlsServer) => tlsServer.close())]);
});

describe('notice-report.schema.json', () => {
  const validate = compile('notice-report.schema.json');

  it('accepts every notice report the drift pipeline wrote, in every status', () => {
    // The scenario really produced each status, with a metadata-only and a substantive change among them.
    expect([...statuses].sort()).toEqual(['baseline', 'changed', 'error', 'unchanged']);
    const stored = [...reports.values()] as Array<{ status: string; substantive?: boolean; notModified?: boolean }>;
    expect(stored.length).toBeGreaterThanOrEqual(13);
    expect(stored.some((report) => report.status === 'changed' && report.substantive === true)).toBe(true);
    expect(stored.some((report) => report.status === 'changed' && report.substantive === false)).toBe(true);
    expect(stored.some((report) => report.notModified === true)).toBe(true);
    // Baselines and changes carry the notice's claims; changes also what changed in them and the severity.
    const withClaims = stored as Array<{ status: string; claims?: { tlsMinimum: string | null }; severity?: string }>;
    expect(withClaims.filter((report) => report.status === 'baseline').every((report) => report.claims)).toBe(true);
    expect(
      withClaims
        .filter((report) => report.status === 'changed')
        .every((report) => report.claims?.tlsMinimum === '1.2' && report.severity),
    ).toBe(true);
    for (const [name, report] of reports) expectValid(validate, report, name);
  });

  it('rejects reports that break the contract', () => {
    const [changed] = [...reports.values()].filter(
      (report) => (report as { status: string }).status === 'changed',
    ) as Array<Record<string, unknown>>;
    const broken: Array<[string, Record<string, unknown>]> = [
      ['unknown status', { ...changed, status: 'drifted' }],
      ['wrong kind', { ...changed, kind: 'drift-run' }],
      ['future schema version', { ...changed, schemaVersion: 2 }],
      ['missing checkedAt', (({ checkedAt: _omitted, ...rest }) => rest)(changed)],
      ['checkedAt not a date-time', { ...changed, checkedAt: 'yesterday' }],
      ['changed without diff', (({ diff: _omitted, ...rest }) => rest)(changed)],
      ['error without error', { ...changed, status: 'error' }],
      ['unknown field', { ...changed, html: '<p>' }],
      [
        'bad section change',
        { ...changed, sections: [{ heading: 'x', change: 'renamed', linesAdded: 0, linesRemoved: 0 }] },
      ],
      ['bad severity', { ...changed, severity: 'urgent' }],
      [
        'unknown claim kind',
        {
          ...changed,
          claimChanges: [
            { claim: 'cookies', change: 'added', before: null, after: 'x', evidence: { heading: 'h', text: 't' } },
          ],
        },
      ],
      ['claim without evidence', { ...changed, claims: { ...(changed.claims as object), tlsEvidence: { text: 't' } } }],
    ];
    for (const [label, report] of broken) expect(validate(report), label).toBe(false);
  });
});

describe('endpoint-report.schema.json', () => {
  const validate = compile('endpoint-report.schema.json');

  it('accepts every endpoint report the TLS run wrote', () => {
    expect(endpointReports.size).toBe(3);
    for (const [name, report] of endpointReports) expectValid(validate, report, name);
  });

  it('rejects endpoint reports that break the contract', () => {
    const [report] = [...endpointReports.values()] as Array<Record<string, unknown>>;
    const broken: Array<[string, unknown]> = [
      ['bad verdict', { ...report, protocols: { ...(report.protocols as object), 'TLSv1.2': 'probably' } }],
      ['missing compliant', { ...report, compliant: undefined }],
      ['bad severity', { ...report, findings: [{ id: 'X', severity: 'meh', message: 'm' }] }],
    ];
    for (const [label, value] of broken) expect(validate(JSON.parse(JSON.stringify(value))), label).toBe(false);
  });
});

describe('latest.schema.json', () => {
  const validate = compile('latest.schema.json');

  it('accepts the latest.json the pipeline wrote, with notices and endpoints', () => {
    const document = latest as { notices: Record<string, { status: string }>; endpoints: Record<string, unknown> };
    expect(Object.keys(document.notices).sort()).toEqual(['cdn-error', 'contoso', 'fabrikam', 'gone']);
    // The dashboard finds a notice's current claims in its baseline or last change report.
    const notices = latest as { notices: Record<string, { claimsReport?: string; lastChangeReport: string | null }> };
    expect(notices.notices.contoso.claimsReport).toBe(notices.notices.contoso.lastChangeReport);
    expect(notices.notices.fabrikam.claimsReport).toMatch(/^drift\/.*\/fabrikam\//);
    // The per-address key and report name carry `@<address>`.
    expect(Object.keys(document.endpoints).sort()).toEqual(['expiring@127.0.0.1', 'modern', 'unreachable']);
    expect(document.endpoints['expiring@127.0.0.1']).toMatchObject({
      report: expect.stringMatching(/@127\.0\.0\.1\.json$/),
    });
    expectValid(validate, latest, LATEST_NAME);
  });

  it('accepts the empty document the API serves before any run', () => {
    expectValid(
      validate,
      { schemaVersion: 1, updatedAt: new Date(0).toISOString(), notices: {}, endpoints: {} },
      'empty',
    );
  });

  it('rejects a latest.json that breaks the contract', () => {
    const document = latest as {
      notices: Record<string, Record<string, unknown>>;
      endpoints: Record<string, Record<string, unknown>>;
    };
    const broken: Array<[string, unknown]> = [
      ['missing endpoints', { ...document, endpoints: undefined }],
      [
        'bad notice status',
        { ...document, notices: { ...document.notices, contoso: { ...document.notices.contoso, status: 'drifted' } } },
      ],
      [
        'unsafe report name',
        {
          ...document,
          notices: {
            ...document.notices,
            contoso: { ...document.notices.contoso, lastChangeReport: '../state/x.json' },
          },
        },
      ],
      [
        'bad protocol verdict',
        {
          ...document,
          endpoints: { ...document.endpoints, modern: { ...document.endpoints.modern, protocols: { SSLv3: 'maybe' } } },
        },
      ],
      ['bad notice key', { ...document, notices: { 'Not An Id': document.notices.contoso } }],
    ];
    for (const [label, value] of broken) expect(validate(JSON.parse(JSON.stringify(value))), label).toBe(false);
  });
});

describe('review.schema.json', () => {
  const validateReview = compile('review.schema.json');
  const validateLatest = compile('latest.schema.json');

  it('accepts the review a reviewer stored, and latest.json with the review state it leads to', async () => {
    const changes = [...reports.values()].filter(
      (report) => (report as { status: string }).status === 'changed',
    ) as Array<{ report: string; changeNumber: number; id: string }>;
    expect(changes.map((report) => report.changeNumber).sort()).toEqual([1, 2]);
    const first = changes.find((report) => report.changeNumber === 1)!;
    const recorded = await recordReview(store, {
      report: first.report,
      status: 'acknowledged',
      note: 'Checked with legal <b>today</b>.',
      reviewer: 'Alice',
      via: 'api',
    });
    if (!recorded.ok) throw new Error(recorded.problem.message);
    expect(recorded.value.pendingReview).toBe(1);
    expectValid(validateReview, await readJsonBlob(recorded.value.review.name), recorded.value.review.name);
    const after = (await readJsonBlob(LATEST_NAME)) as { notices: Record<string, unknown> };
    expect(after.notices.contoso).toMatchObject({ changeCount: 2, reviewedThrough: 1, pendingReview: 1 });
    expectValid(validateLatest, after, 'latest.json after a review');
    expect(validateReview({ ...recorded.value.review, status: 'approved' })).toBe(false);
    expect(validateReview({ ...recorded.value.review, name: 'reviews/../x.json' })).toBe(false);
  });
});
