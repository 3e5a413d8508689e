import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fail } from '../../shared/common/result';
import type { NoticeConfig } from '../../shared/config';
import { applyDiff } from '../../shared/diff';
import { type NoticeReport, readLatest, readReport } from '../../shared/reports';
import { checkNotice, newRunId, readPointer, runDrift } from '../../shared/runs';
import { CONTAINERS, MemoryObjectStore, type ObjectStore, pointerName } from '../../shared/storage';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { faultyStore } from '../support/fakes';
import { expectStatus } from '../support/notice-results';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { POLICY_EN, POLICY_FR } from '../support/plausibility-fixtures';
import { recordFault } from '../support/reliability-tally';
import { ERROR_PAGE, noticeV1, noticeV2, noticeV3 } from '../support/sample-notices';

let storage: TestStorage;
let server: NoticeServer;
let runCounter = 0;

beforeAll(async () => {
  [storage, server] = await Promise.all([startTestStorage(), startNoticeServer()]);
});
afterAll(async () => {
  await Promise.all([storage?.stop(), server?.close()]);
});

const fast = { timeoutMs: 2_000, retries: 1, retryBackoffMs: 10 };

function nextRun() {
  runCounter += 1;
  const startedAt = new Date(Date.UTC(2026, 10, 29, 6, 0, runCounter));
  return { runId: newRunId(startedAt, `t${runCounter}`), startedAt: startedAt.toISOString() };
}

async function check(notice: NoticeConfig, store: ObjectStore = storage.store) {
  return checkNotice(notice, nextRun(), { store, fetchOptions: fast });
}

async function snapshotText(name: string): Promise<string> {
  const found = await storage.store.get(CONTAINERS.snapshots, name);
  if (!found.ok || !found.value) throw new Error(`snapshot ${name} missing`);
  return found.value.body.toString('utf8');
}

describe('checkNotice against Azurite and a local notice server', () => {
  it('walks baseline, 304, re-fetch, change, metadata-only change, failure and recovery', async () => {
    const notice: NoticeConfig = {
      id: 'contoso-lifecycle',
      url: `${server.origin}/lifecycle/privacy.md`,
      format: 'markdown',
    };

    server.setText('/lifecycle/privacy.md', noticeV1());
    const baseline = await check(notice);
    expect(baseline.status).toBe('baseline');
    expect(baseline.currentSnapshot).toMatch(/^contoso-lifecycle\/[0-9a-f]{64}\.md$/);
    expect(baseline.previousSnapshot).toBeNull();

    // The server honours If-None-Match: nothing is downloaded or diffed.
    const notModified = expectStatus(await check(notice), 'unchanged');
    expect(notModified.notModified).toBe(true);
    expect(server.requests.at(-1)?.headers['if-none-match']).toBeTruthy();

    // Same published text with CRLF and trailing spaces, served without validators: still unchanged.
    server.setText('/lifecycle/privacy.md', noticeV1().replace(/\n/g, '  \r\n'), { etag: null });
    const refetch = expectStatus(await check(notice), 'unchanged');
    expect(refetch.notModified).toBeUndefined();

    server.setText('/lifecycle/privacy.md', noticeV2());
    const changed = expectStatus(await check(notice), 'changed');
    expect(changed.substantive).toBe(true);
    expect(changed.previousSnapshot).toBe(baseline.currentSnapshot);
    expect(changed.sections.map((section) => section.heading)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Data we collect'),
        expect.stringContaining('Sharing with processors'),
      ]),
    );
    expect(changed.sections.find((section) => section.heading.includes('Sharing with processors'))?.change).toBe(
      'added',
    );
    const before = await snapshotText(changed.previousSnapshot);
    const after = await snapshotText(changed.currentSnapshot);
    expect(applyDiff(before, changed.diff)).toBe(after);

    server.setText('/lifecycle/privacy.md', noticeV3());
    const metadataOnly = expectStatus(await check(notice), 'changed');
    expect(metadataOnly.substantive).toBe(false);
    expect(metadataOnly.metadataChanges).toEqual([
      { key: 'ms.date', before: expect.anything(), after: expect.anything() },
    ]);
    expect(metadataOnly.sections).toEqual([]);

    const pointerBefore = await readPointer(storage.store, notice.id);
    server.set('/lifecycle/privacy.md', (_request, response) => response.writeHead(503).end('maintenance'));
    const failed = await check(notice);
    expect(failed.status).toBe('error');
    expect(failed.error?.code).toBe('HTTP_STATUS');
    expect(failed.currentSnapshot).toBeNull();
    const pointerAfter = await readPointer(storage.store, notice.id);
    expect(pointerAfter.ok && pointerAfter.value.pointer?.lastGood).toEqual(
      pointerBefore.ok && pointerBefore.value.pointer?.lastGood,
    );

    // The next good fetch compares with the last good snapshot, as if the failure never happened.
    server.setText('/lifecycle/privacy.md', noticeV3(), { etag: null });
    const afterFailure = await check(notice);
    expect(afterFailure.status).toBe('unchanged');

    const report = await readReport<NoticeReport>(storage.store, changed.report!);
    expect(report.ok && report.value).toMatchObject({
      schemaVersion: 1,
      kind: 'notice-check',
      status: 'changed',
      id: notice.id,
      diff: changed.diff,
    });
  });

  it('treats an error page served with 200 as an error until it persists, then accepts it', async () => {
    const notice: NoticeConfig = {
      id: 'contoso-suspect',
      url: `${server.origin}/suspect/privacy.md`,
      format: 'markdown',
    };
    server.setText('/suspect/privacy.md', noticeV2());
    expect((await check(notice)).status).toBe('baseline');

    server.setText('/suspect/privacy.md', ERROR_PAGE, { etag: null });
    const first = await check(notice);
    const second = await check(notice);
    expect([first.status, second.status]).toEqual(['error', 'error']);
    expect(first.error?.code).toBe('SUSPECT_BODY');
    expect(second.error?.message).toContain('2 of 3');
    const third = expectStatus(await check(notice), 'changed');
    expect(third.acceptedAfterSuspectRuns).toBe(3);
    recordFault('error page served with 200');
  });

  it('shows a held body at once (result, report, latest.json) with why and its first lines, until it is decided', async () => {
    const notice: NoticeConfig = { id: 'wingtip-held', url: `${server.origin}/held/privacy.md`, format: 'markdown' };
    server.setText('/held/privacy.md', POLICY_EN);
    const baseline = await runDrift(storage.store, [notice], {
      runId: nextRun().runId,
      startedAt: new Date(),
      fetchOptions: fast,
    });
    expect(baseline.notices[0].status).toBe('baseline');
    expect((await readPointer(storage.store, notice.id)).ok).toBe(true);

    // A French "page not found" served with 200: held, and shown with why and how it starts.
    server.setText('/held/privacy.md', "# Erreur\n\nCette page n'existe pas.\n\nRetour à l'accueil.", { etag: null });
    const run = await runDrift(storage.store, [notice], {
      runId: nextRun().runId,
      startedAt: new Date(),
      fetchOptions: fast,
    });
    const held = expectStatus(run.notices[0], 'error');
    expect(held.error.code).toBe('SUSPECT_BODY');
    expect(held.error?.message).toContain('Held for review');
    expect(held.heldForReview).toMatchObject({
      signal: 'error-page',
      figures: { kind: 'not found', language: 'fr' },
      firstLines: ['# Erreur', "Cette page n'existe pas.", "Retour à l'accueil."],
      seen: 1,
      needed: 3,
    });
    const report = await readReport<NoticeReport>(storage.store, held.report!);
    expect(report.ok && report.value?.status === 'error' && report.value.heldForReview?.signal).toBe('error-page');
    const latest = await readLatest(storage.store);
    expect(latest.ok && latest.value.notices[notice.id].heldForReview?.firstLines[1]).toBe("Cette page n'existe pas.");

    // While fetches fail, the held body stays on view; once the notice is back, nothing is held.
    server.set('/held/privacy.md', (_request, response) => response.writeHead(503).end('busy'));
    const failing = expectStatus(await check(notice), 'error');
    expect(failing.error.code).not.toBe('SUSPECT_BODY');
    expect(failing.heldForReview?.signal).toBe('error-page');
    server.setText('/held/privacy.md', POLICY_EN);
    const back = await runDrift(storage.store, [notice], {
      runId: nextRun().runId,
      startedAt: new Date(),
      fetchOptions: fast,
    });
    expect(back.notices[0].status).toBe('unchanged');
    expect('heldForReview' in back.notices[0]).toBe(false);
    const after = await readLatest(storage.store);
    expect(after.ok && after.value.notices[notice.id].heldForReview).toBeUndefined();
    recordFault('a held body is shown at once and cleared when the notice returns');
  });

  it('reports a real change on the run it appears and keeps the notice profile for the next checks', async () => {
    const notice: NoticeConfig = {
      id: 'wingtip-rewrite',
      url: `${server.origin}/rewrite/privacy.md`,
      format: 'markdown',
    };
    server.setText('/rewrite/privacy.md', POLICY_EN);
    expect((await check(notice)).status).toBe('baseline');
    for (const body of [POLICY_FR, POLICY_EN]) {
      server.setText('/rewrite/privacy.md', body);
      const switched = await check(notice);
      expect(switched.status, JSON.stringify(switched.error)).toBe('changed');
    }
    const pointer = await readPointer(storage.store, notice.id);
    expect(pointer.ok && pointer.value.pointer?.profile?.privacyTitle).toBe(true);
    expect(pointer.ok && pointer.value.pointer?.profile?.identityWords).toEqual(
      expect.arrayContaining(['cookies', 'droits']),
    );
  });

  it('recognises a return to a version seen before', async () => {
    const notice: NoticeConfig = {
      id: 'contoso-flipflop',
      url: `${server.origin}/flip/privacy.md`,
      format: 'markdown',
    };
    server.setText('/flip/privacy.md', noticeV1());
    const baseline = await check(notice);
    server.setText('/flip/privacy.md', noticeV2());
    const toV2 = expectStatus(await check(notice), 'changed');
    expect(toV2.recurrence).toBeNull();
    server.setText('/flip/privacy.md', noticeV1());
    const backToV1 = expectStatus(await check(notice), 'changed');
    expect(backToV1.recurrence).toMatchObject({ snapshot: baseline.currentSnapshot, firstSeen: baseline.checkedAt });
    expect([toV2.alert, backToV1.alert]).toEqual([true, false]);
    recordFault('notice alternates between versions already seen');
  });

  it('rates a change by its claims: a changed TLS promise alerts high, rewording alerts low, and the pointer keeps the promise', async () => {
    const notice: NoticeConfig = {
      id: 'contoso-claims',
      url: `${server.origin}/claims/privacy.md`,
      format: 'markdown',
    };
    server.setText('/claims/privacy.md', noticeV1());
    const baseline = expectStatus(await check(notice), 'baseline');
    expect(baseline.claims).toMatchObject({
      tlsMinimum: '1.2',
      tlsEvidence: {
        heading: 'Contoso Insights privacy notice > Data protection',
        text: 'TLS 1.2 (or higher) is required for accessing the server endpoints.',
      },
      retention: [{ period: '90 days' }],
      encryption: [{ scope: 'in transit' }],
    });

    server.setText('/claims/privacy.md', noticeV1().replace('We collect account names', 'We gather account names'));
    const reworded = await check(notice);
    expect(reworded).toMatchObject({
      status: 'changed',
      substantive: true,
      severity: 'low',
      claimChanges: [],
      alert: true,
    });

    server.setText('/claims/privacy.md', noticeV1().replace('TLS 1.2 (or higher)', 'TLS 1.3'));
    const raised = expectStatus(await check(notice), 'changed');
    expect(raised).toMatchObject({ severity: 'high', alert: true });
    expect(raised.claimChanges).toMatchObject([
      { claim: 'tlsMinimum', change: 'changed', before: '1.2', after: '1.3' },
    ]);
    const pointer = await readPointer(storage.store, notice.id);
    expect(pointer.ok && pointer.value.pointer?.lastGood?.promises).toEqual({
      tlsMinimum: '1.3',
      tlsEvidence: {
        heading: 'Contoso Insights privacy notice > Data protection',
        text: 'TLS 1.3 is required for accessing the server endpoints.',
      },
    });
  });

  it('loses no report when storage fails between moving the pointer and writing the report', async () => {
    const notice: NoticeConfig = { id: 'contoso-crash', url: `${server.origin}/crash/privacy.md`, format: 'markdown' };
    server.setText('/crash/privacy.md', noticeV1());
    await check(notice);
    server.setText('/crash/privacy.md', noticeV2());

    let failReports = true;
    const flaky = faultyStore(storage.store, {
      create: async (c, n, b, t) =>
        c === CONTAINERS.reports && failReports
          ? fail('STORAGE_ERROR', 'injected outage')
          : storage.store.create(c, n, b, t),
    });
    const crashed = await check(notice, flaky);
    expect(crashed.status).toBe('error');
    expect(crashed.error?.code).toBe('REPORT_NOT_WRITTEN');
    const pointer = await readPointer(storage.store, notice.id);
    const lostReport = pointer.ok ? pointer.value.pointer?.lastChange?.report : undefined;
    expect(lostReport).toBeTruthy();
    const lost = await storage.store.get(CONTAINERS.reports, lostReport!);
    expect(lost.ok && lost.value).toBeNull();

    failReports = false;
    const next = await check(notice);
    expect(next.status).toBe('unchanged'); // the change is not reported twice...
    const recovered = await readReport<NoticeReport & { recovered: boolean }>(storage.store, lostReport!);
    expect(recovered.ok && recovered.value).toMatchObject({ status: 'changed', recovered: true, id: notice.id }); // ...and not lost
    recordFault('storage fails between moving the pointer and writing the report');
  });

  it('two concurrent runs over the same change report it once and keep latest.json consistent', async () => {
    const notice: NoticeConfig = { id: 'contoso-race', url: `${server.origin}/race/privacy.md`, format: 'markdown' };
    server.setText('/race/privacy.md', noticeV1());
    await check(notice);
    server.setText('/race/privacy.md', noticeV2(), { etag: null });
    const startedAt = new Date();
    const [a, b] = await Promise.all([
      runDrift(storage.store, [notice], { runId: newRunId(startedAt, 'racea'), startedAt, fetchOptions: fast }),
      runDrift(storage.store, [notice], { runId: newRunId(startedAt, 'raceb'), startedAt, fetchOptions: fast }),
    ]);
    const statuses = [a.notices[0].status, b.notices[0].status].sort();
    expect(statuses).toEqual(['changed', 'unchanged']);
    const latest = await readLatest(storage.store);
    expect(latest.ok && latest.value.notices[notice.id]).toMatchObject({
      id: notice.id,
      lastChangeReport: expect.stringContaining('drift/'),
    });
  });

  it('runDrift stops starting work at its deadline and names what it did not reach', async () => {
    server.setText('/deadline/privacy.md', noticeV1());
    const notices: NoticeConfig[] = ['one', 'two', 'three'].map((id) => ({
      id: `contoso-deadline-${id}`,
      url: `${server.origin}/deadline/privacy.md`,
      format: 'markdown',
    }));
    const startedAt = new Date();
    const summary = await runDrift(storage.store, notices, {
      runId: newRunId(startedAt, 'deadline'),
      startedAt,
      deadline: startedAt.getTime() - 1,
      fetchOptions: fast,
    });
    expect(summary.notices).toEqual([]);
    expect(summary.notReached).toEqual(notices.map((notice) => notice.id));
    expect(summary.summary).toMatch(/^runs\//);
  });
});

/** A run identity with its start as a Date, as runDrift takes it. */
function runStart() {
  const identity = nextRun();
  return { runId: identity.runId, startedAt: new Date(identity.startedAt) };
}

describe('suspect bodies must be consecutive', () => {
  it('a 304 of the last good version resets the count', async () => {
    const store = new MemoryObjectStore();
    const notice: NoticeConfig = { id: 'suspect-304', url: `${server.origin}/s304.md`, format: 'markdown' };
    const fast = { store, fetchOptions: { retries: 0 } };
    server.setText('/s304.md', noticeV2(), { etag: '"v2"' });
    expect((await checkNotice(notice, nextRun(), fast)).status).toBe('baseline');
    server.setText('/s304.md', ERROR_PAGE, { etag: null });
    expect((await checkNotice(notice, nextRun(), fast)).error?.message).toContain('1 of 3');
    server.setText('/s304.md', noticeV2(), { etag: '"v2"' });
    expect(expectStatus(await checkNotice(notice, nextRun(), fast), 'unchanged').notModified).toBe(true);
    server.setText('/s304.md', ERROR_PAGE, { etag: null });
    expect((await checkNotice(notice, nextRun(), fast)).error?.message).toContain('1 of 3');
    expect((await checkNotice(notice, nextRun(), fast)).error?.message).toContain('2 of 3');
    recordFault('error page interrupted by a 304 is not consecutive');
  });

  it('a 304 clears the count even when another run moves the pointer in between', async () => {
    const notice: NoticeConfig = { id: 'suspect-304-race', url: `${server.origin}/s304r.md`, format: 'markdown' };
    const base = new MemoryObjectStore();
    let interfere = false;
    // Just before this run clears the suspect body, another run rewrites the pointer (same
    // content, a new etag): the clear conflicts and must be retried against the new pointer.
    const store = faultyStore(base, {
      swap: async (container, name, body, type, etag) => {
        if (interfere && container === CONTAINERS.state && name === pointerName(notice.id)) {
          interfere = false;
          const current = await base.get(container, name);
          if (!current.ok || !current.value) throw new Error('pointer missing');
          const moved = await base.swap(container, name, current.value.body, type, current.value.etag);
          if (!moved.ok || moved.value === 'conflict') throw new Error('could not move the pointer');
        }
        return base.swap(container, name, body, type, etag);
      },
    });
    const options = { store, fetchOptions: { retries: 0 } };
    server.setText('/s304r.md', noticeV2(), { etag: '"v2"' });
    expect((await checkNotice(notice, nextRun(), options)).status).toBe('baseline');
    server.setText('/s304r.md', ERROR_PAGE, { etag: null });
    expect((await checkNotice(notice, nextRun(), options)).error?.message).toContain('1 of 3');
    server.setText('/s304r.md', noticeV2(), { etag: '"v2"' });
    interfere = true;
    expect(expectStatus(await checkNotice(notice, nextRun(), options), 'unchanged').notModified).toBe(true);
    expect(interfere).toBe(false);
    const pointer = await readPointer(store, notice.id);
    expect(pointer.ok && pointer.value.pointer?.suspect).toBeNull();
    server.setText('/s304r.md', ERROR_PAGE, { etag: null });
    expect((await checkNotice(notice, nextRun(), options)).error?.message).toContain('1 of 3');
  });
});

describe('a change report rebuilt after a crash', () => {
  it('says all the live one would have: alert, includes, and latest.json learns it from the next run', async () => {
    const memory = new MemoryObjectStore();
    let failReports = true;
    const flaky = faultyStore(memory, {
      create: async (c, n, b) =>
        c === CONTAINERS.reports && failReports ? fail('STORAGE_ERROR', 'injected') : memory.create(c, n, b),
    });
    const notice: NoticeConfig = { id: 'rebuilt', url: `${server.origin}/rebuilt.md`, format: 'markdown' };
    server.setText('/rebuilt.md', noticeV1(), { etag: null });
    failReports = false;
    await runDrift(flaky, [notice], { ...runStart(), fetchOptions: { retries: 0 } });
    server.setText('/rebuilt.md', noticeV2(), { etag: null });
    failReports = true;
    const crashed = await checkNotice(notice, nextRun(), { store: flaky, fetchOptions: { retries: 0 } });
    expect(crashed.error?.code).toBe('REPORT_NOT_WRITTEN');
    failReports = false;
    const next = await runDrift(flaky, [notice], { ...runStart(), fetchOptions: { retries: 0 } });
    expect(next.notices[0].status).toBe('unchanged');
    const names = await memory.list(CONTAINERS.reports, 'drift/');
    const reports = await Promise.all(
      (names.ok ? names.value : []).map((name) => readReport<NoticeReport & { recovered?: boolean }>(memory, name)),
    );
    const rebuilt = reports.map((report) => (report.ok ? report.value : null)).find((report) => report?.recovered);
    expect(rebuilt).toMatchObject({ status: 'changed', substantive: true, alert: true, recurrence: null });
    const latest = await readLatest(memory);
    expect(latest.ok && latest.value.notices.rebuilt).toMatchObject({
      lastChangeReport: rebuilt?.report,
      substantive: true,
      lastChangeAlert: true,
    });
  });
});
