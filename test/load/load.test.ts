/**
 * Load: 2,000 notices and 2,000 TLS endpoints on loopback, against real Azurite. Every run either
 * completes or stops cleanly at its own deadline, keeps and reports every result it finished, names
 * what it did not reach, and never holds every body at once. The full-size figures (wall time,
 * checks/s, peak RSS) come from bench/load-bench.ts; this file proves the properties in a few minutes.
 */
import { performance } from 'node:perf_hooks';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  changedIndexes,
  findGc,
  fleetEndpoints,
  loadNotices,
  type LoadNoticeServer,
  loopbackAddresses,
  mib,
  missingReports,
  noticeBodyBytes,
  type QuietAzurite,
  readSummary,
  SERVER_KINDS,
  startLoadNoticeServer,
  startQuietAzurite,
  startTlsFleet,
  timedDrift,
  timedTls,
  type TlsFleet,
  wrongVerdicts,
} from '../../bench/load-bench';
import { type NoticeCheckResult, readLatest } from '../../shared/reports';
import { type DriftRunSummary, newRunId, runDrift, type TlsRunSummary } from '../../shared/runs';
import { CONTAINERS, noticeReportName, type ObjectStore, storeFromConnectionString } from '../../shared/storage';
import { recordFault } from '../support/reliability-tally';
import { buildTestPki } from '../support/tls-certs';

const NOTICES = 2_000;
const ENDPOINTS = 2_000;
/** Every endpoint costs five real connections (SSLv3..TLS 1.3); ~70 endpoints/s here, so ~30 s. */
const TLS_COMPLETE = ENDPOINTS;

/**
 * Real Azurite in memory, started silent rather than through startTestStorage: the embedded helper keeps
 * every access-log line and rescans it on each chunk (quadratic), which at this size would cost minutes.
 */
let azurite: QuietAzurite;
let storage: { store: ObjectStore };
let fast: LoadNoticeServer;
let fleet: TlsFleet;
let caPem: string;
const gc = findGc();

beforeAll(async () => {
  const pki = buildTestPki();
  caPem = pki.ca.certPem;
  [azurite, fast, fleet] = await Promise.all([
    startQuietAzurite(),
    startLoadNoticeServer(),
    // The test PKI's certificate names localhost: the endpoints send that as SNI and match it.
    startTlsFleet({ caPem, certPem: pki.good.certPem, keyPem: pki.good.keyPem }, loopbackAddresses(8)),
  ]);
  const store = storeFromConnectionString(azurite.connectionString);
  if (!store.ok) throw new Error(store.problem.message);
  storage = { store: store.value };
}, 120_000);

afterAll(async () => {
  await Promise.all([fast?.close(), fleet?.close()]);
  await azurite?.stop();
});

function reportsOf(results: readonly NoticeCheckResult[]): string[] {
  return results.map((result) => result.report).filter((name): name is string => name !== null);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

describe(`drift at ${NOTICES} notices`, () => {
  it('baselines all, then finds exactly the 10% that changed, with a report for every result and bounded memory', async () => {
    const notices = loadNotices(fast.origin, NOTICES, 'load');
    let bodyBytes = 0;
    for (let index = 0; index < NOTICES; index += 1) bodyBytes += noticeBodyBytes(index, 1);
    expect(bodyBytes).toBeGreaterThan(NOTICES * 5_000);

    const first = await timedDrift(notices, storage.store, {
      suffix: 'load-base',
      concurrency: 8,
      gc,
      liveEveryMs: 1_000,
    });
    expect(first.summary.counts).toEqual({ baseline: NOTICES, unchanged: 0, changed: 0, error: 0 });
    expect(first.summary.notReached).toEqual([]);
    expect(first.summary.problems).toEqual([]);

    const changed = changedIndexes(NOTICES);
    expect(changed).toHaveLength(NOTICES / 10);
    fast.setChanged(changed);
    const second = await timedDrift(notices, storage.store, {
      suffix: 'load-change',
      concurrency: 8,
      gc,
      liveEveryMs: 1_000,
    });
    const summary = second.summary;
    expect(summary.counts).toEqual({
      baseline: 0,
      unchanged: NOTICES - changed.length,
      changed: changed.length,
      error: 0,
    });
    expect(summary.notReached).toEqual([]);
    expect(summary.problems).toEqual([]);
    expect(new Set(summary.notices.filter((result) => result.status === 'changed').map((result) => result.id))).toEqual(
      new Set(changed.map((index) => `load-${index}`)),
    );
    expect(
      summary.notices
        .filter((result) => result.status === 'changed')
        .every((result) => result.substantive === true && (result.diff ?? '').includes('Fabrikam')),
    ).toBe(true);

    // Nothing lost: a stored report for every one of the 4,000 results, and a run summary for each run.
    for (const run of [first.summary, second.summary]) {
      expect(run.notices).toHaveLength(NOTICES);
      expect(reportsOf(run.notices)).toHaveLength(NOTICES);
      expect(await missingReports(storage.store, reportsOf(run.notices))).toEqual([]);
      const stored = await readSummary<DriftRunSummary>(storage.store, run.summary);
      expect(stored?.notices).toHaveLength(NOTICES);
      expect(stored?.notReached).toEqual([]);
    }
    const latest = await readLatest(storage.store);
    if (!latest.ok) throw new Error(latest.problem.message);
    expect(Object.keys(latest.value.notices)).toHaveLength(NOTICES);
    expect(Object.values(latest.value.notices).filter((entry) => entry.status === 'changed')).toHaveLength(
      changed.length,
    );
    expect(Object.values(latest.value.notices).every((entry) => entry.runId === summary.runId)).toBe(true);

    // Memory stays bounded: the bodies are streamed through, never all held. Holding them would take at
    // least `bodyBytes` (one-byte strings), in practice three times that (raw bytes, text, normalised text).
    for (const run of [first, second]) {
      const { memory } = run;
      if (memory.peakLiveHeap !== null) {
        // Live heap after forced full GCs, sampled every second: what the run really keeps.
        expect(memory.liveSamples).toBeGreaterThan(3);
        expect(memory.peakLiveHeap - memory.baseline.heapUsed).toBeLessThan(bodyBytes / 2);
      }
      // Without GC, the peak includes garbage not yet collected (young generation up to tens of MiB).
      expect(memory.peakHeapUsed - memory.baseline.heapUsed).toBeLessThan(2 * bodyBytes);
      expect(memory.samples).toBeGreaterThan(10);
    }
    console.info(
      [first, second]
        .map(
          (run, index) =>
            `drift ${index ? 'second' : 'baseline'}: ${NOTICES} in ${seconds(run.wallMs)} (${(NOTICES / (run.wallMs / 1000)).toFixed(0)}/s); bodies ${mib(bodyBytes)}; ` +
            `peak heap +${mib(run.memory.peakHeapUsed - run.memory.baseline.heapUsed)}, live heap +${run.memory.peakLiveHeap === null ? 'n/a' : mib(run.memory.peakLiveHeap - run.memory.baseline.heapUsed)}, peak RSS ${mib(run.memory.peakRss)}`,
        )
        .join('\n'),
    );
    recordFault(`load: ${NOTICES}-notice drift, baseline then 10% changed, every report stored, memory bounded`);
  }, 240_000);

  it('stops cleanly at its own deadline: every finished result kept with its report, the rest named, nothing in both', async () => {
    const slow = await startLoadNoticeServer({ delayMs: 50 });
    // Two notices never answer: their checks are still running at the hard deadline and must be abandoned.
    const hanging = [5, 6];
    slow.setHanging(hanging);
    try {
      const notices = loadNotices(slow.origin, NOTICES, 'slow');
      const startedAt = new Date();
      const began = performance.now();
      const runId = newRunId(startedAt, 'load-deadline');
      const summary = await runDrift(storage.store, notices, {
        runId,
        startedAt,
        deadline: startedAt.getTime() + 1_500,
        hardDeadline: startedAt.getTime() + 3_000,
        concurrency: 4,
        fetchOptions: { timeoutMs: 30_000, retries: 0 },
      });
      const elapsed = performance.now() - began;
      // It returns by its hard deadline, plus the time to fold results into latest.json and write the summary.
      expect(elapsed).toBeLessThan(3_000 + 1_500);

      const finished = summary.notices.map((result) => result.id);
      expect(finished.length).toBeGreaterThan(0);
      expect(summary.notReached.length).toBeGreaterThan(0);
      expect(finished.length + summary.notReached.length).toBe(NOTICES);
      expect(new Set([...finished, ...summary.notReached]).size).toBe(NOTICES);
      expect(finished.filter((id) => summary.notReached.includes(id))).toEqual([]);
      expect(summary.abandoned).toEqual(hanging.map((index) => `slow-${index}`));
      expect(summary.abandoned.every((id) => summary.notReached.includes(id))).toBe(true);
      expect(summary.problems.map((problem) => problem.code)).toEqual(['RUN_DEADLINE']);
      expect(summary.counts.baseline).toBe(finished.length);

      // Every finished result is kept and its report exists; never-started notices have none.
      expect(await missingReports(storage.store, reportsOf(summary.notices))).toEqual([]);
      expect(reportsOf(summary.notices)).toHaveLength(finished.length);
      const neverStarted = summary.notReached.filter((id) => !summary.abandoned.includes(id));
      const sample = neverStarted.filter((_, index) => index % 50 === 0);
      const phantom = await Promise.all(
        sample.map((id) => storage.store.get(CONTAINERS.reports, noticeReportName(startedAt.toISOString(), id, runId))),
      );
      expect(phantom.every((found) => found.ok && found.value === null)).toBe(true);

      // The run summary blob names what was not reached.
      const stored = await readSummary<DriftRunSummary>(storage.store, summary.summary);
      expect(stored?.notReached).toEqual(summary.notReached);
      expect(stored?.abandoned).toEqual(summary.abandoned);
      expect(stored?.notices.map((result) => result.id)).toEqual(finished);
      console.info(
        `drift deadline: ${finished.length} finished, ${summary.notReached.length} not reached (${summary.abandoned.length} abandoned), returned after ${seconds(elapsed)}`,
      );
      recordFault(
        `load: ${NOTICES}-notice drift cut by its deadline and hard deadline, finished results kept, rest named`,
      );
    } finally {
      await slow.close();
    }
  }, 60_000);
});

describe(`TLS at ${ENDPOINTS} endpoints`, () => {
  function checkTlsRun(summary: TlsRunSummary, endpoints: ReturnType<typeof fleetEndpoints>) {
    const finished = summary.endpoints.map((result) => result.id);
    expect(finished.length + summary.notReached.length).toBe(endpoints.length);
    expect(new Set([...finished, ...summary.notReached])).toEqual(new Set(endpoints.map((endpoint) => endpoint.id)));
    // A result is a fact about the server, never the echo of an aborted probe.
    expect(wrongVerdicts(summary, endpoints)).toEqual([]);
    expect(summary.counts.incomplete).toBe(0);
    expect(summary.counts.compliant + summary.counts.nonCompliant).toBe(finished.length);
    expect(summary.endpoints.every((result) => result.report !== null)).toBe(true);
    return finished;
  }

  it(`checks all ${TLS_COMPLETE} endpoints on 24 servers over 8 loopback addresses to completion, with the right verdict and a report each`, async () => {
    const endpoints = fleetEndpoints(fleet.servers, TLS_COMPLETE, 'full');
    const run = await timedTls(endpoints, storage.store, {
      suffix: 'load-tls',
      concurrency: 16,
      perAddress: 4,
      caPem,
      budgetMs: 170_000,
    });
    const { summary } = run;
    checkTlsRun(summary, endpoints);
    expect(summary.notReached).toEqual([]);
    expect(summary.endpoints).toHaveLength(TLS_COMPLETE);
    expect(summary.problems).toEqual([]);
    const compliant = endpoints.filter((endpoint) => SERVER_KINDS[endpoint.kind].compliant).length;
    expect(compliant).toBeGreaterThan(0);
    expect(summary.counts).toEqual({ compliant, nonCompliant: TLS_COMPLETE - compliant, incomplete: 0 });
    expect(
      await missingReports(
        storage.store,
        summary.endpoints.map((result) => result.report!),
      ),
    ).toEqual([]);
    const latest = await readLatest(storage.store);
    if (!latest.ok) throw new Error(latest.problem.message);
    expect(endpoints.every((endpoint) => latest.value.endpoints[endpoint.id]?.runId === summary.runId)).toBe(true);
    console.info(
      `tls: ${TLS_COMPLETE} in ${seconds(run.wallMs)} (${(TLS_COMPLETE / (run.wallMs / 1000)).toFixed(0)}/s; checks done at ${seconds(run.checksDoneMs)}), peak RSS ${mib(run.memory.peakRss)}`,
    );
    recordFault(`load: ${TLS_COMPLETE} TLS endpoints checked to completion, right verdicts, every report stored`);
  }, 180_000);

  it(`stops ${ENDPOINTS} endpoints cleanly at its deadline: finished ones reported, the rest named`, async () => {
    const endpoints = fleetEndpoints(fleet.servers, ENDPOINTS, 'cut');
    const budgetMs = 3_000;
    const startedAt = Date.now();
    const run = await timedTls(endpoints, storage.store, {
      suffix: 'load-tls-cut',
      concurrency: 16,
      perAddress: 4,
      caPem,
      budgetMs,
    });
    const { summary } = run;
    const finished = checkTlsRun(summary, endpoints);
    expect(finished.length).toBeGreaterThan(0);
    expect(summary.notReached.length).toBeGreaterThan(0);
    // Nothing starts after the deadline; what was in flight then finishes (each check is bounded by its
    // connection timeout, 5 s) or is abandoned at the hard deadline.
    expect(summary.endpoints.every((result) => Date.parse(result.checkedAt) < startedAt + budgetMs + 100)).toBe(true);
    expect(run.checksDoneMs).toBeLessThan(budgetMs + 5_000);
    // Then runTls writes the finished results' reports one by one, latest.json and the summary: that tail
    // grows with the results kept (see the load report); it must stay far inside the slack the timer
    // leaves (8-minute budget, 10-minute limit).
    expect(run.wallMs).toBeLessThan(budgetMs + 20_000);
    expect(summary.problems).toEqual([]);
    expect(
      await missingReports(
        storage.store,
        summary.endpoints.map((result) => result.report!),
      ),
    ).toEqual([]);
    const stored = await readSummary<TlsRunSummary>(storage.store, summary.summary);
    expect(stored?.notReached).toEqual(summary.notReached);
    expect(stored?.endpoints.map((result) => result.id)).toEqual(finished);
    console.info(
      `tls deadline: ${finished.length} finished, ${summary.notReached.length} not reached, checks done at ${seconds(run.checksDoneMs)}, returned after ${seconds(run.wallMs)} for a ${seconds(budgetMs)} budget`,
    );
    recordFault(`load: ${ENDPOINTS} TLS endpoints cut by the run deadline, finished ones reported, rest named`);
  }, 60_000);
});
