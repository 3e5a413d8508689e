import { KeyedLimiter } from '../common/concurrency';
import { ok, type Problem, problemFromError } from '../common/result';
import type { EndpointConfig } from '../config/types';
import { alertsAfterTls } from '../notify';
import {
  type LatestEndpointEntry,
  readLatest,
  recordLatestEndpoints,
  REPORT_SCHEMA_VERSION,
  writeReport,
} from '../reports';
import { type ObjectStore, tlsReportName, tlsRunSummaryName } from '../storage';
import {
  checkEndpoint,
  checkFailedResult,
  type EndpointCheckResult,
  type TlsCheckOptions,
  type TlsPromise,
} from '../tls';
import { byDeadline } from './by-deadline';
import { linkedTlsPromises } from './notice-promises';
import { runItems } from './run-items';
import { DEFAULT_TRIGGER, type RunOptions, type RunSummaryFields } from './run-options';

const REPORT_WRITES_AT_ONCE = 8;
const DEFAULT_CONNECTIONS_PER_ADDRESS = 2;

export interface TlsRunOptions extends RunOptions<EndpointCheckResult> {
  /** How each endpoint is checked: timeouts, trust anchors, which addresses are allowed. */
  readonly tls?: Omit<TlsCheckOptions, 'signal' | 'connections' | 'promises'>;
}

export type EndpointOutcome = EndpointCheckResult & { readonly report: string | null; readonly runId: string };

export interface TlsRunSummary extends RunSummaryFields {
  readonly endpoints: EndpointOutcome[];
  readonly counts: { readonly compliant: number; readonly nonCompliant: number; readonly incomplete: number };
}

/** An endpoint check is incomplete when the endpoint could not be checked or a verdict is unknown. */
export function isIncomplete(result: EndpointCheckResult): boolean {
  return result.problem !== undefined || Object.values(result.protocols).includes('error');
}

/** One key per endpoint, or per address when an endpoint asks for all of its addresses to be checked. */
function latestKey(endpoint: EndpointConfig | undefined, result: EndpointCheckResult): string {
  return endpoint?.allAddresses && result.address ? `${result.id}@${result.address}` : result.id;
}

function latestEntry(result: EndpointOutcome): LatestEndpointEntry {
  return {
    id: result.id,
    host: result.host,
    port: result.port,
    address: result.address,
    checkedAt: result.checkedAt,
    runId: result.runId,
    compliant: result.compliant,
    protocols: result.protocols,
    findings: result.findings,
    certificate: result.certificate
      ? {
          subject: result.certificate.subject,
          issuer: result.certificate.issuer,
          validTo: result.certificate.validTo,
          daysRemaining: result.certificate.daysRemaining,
        }
      : null,
    ...(result.problem ? { problem: result.problem } : {}),
    ...(result.promises
      ? {
          promises: result.promises.map(({ notice, claim, value, holds }) => ({ notice, claim, value, holds })),
        }
      : {}),
    report: result.report,
  };
}

/**
 * Checks endpoints (each one by tls/checkEndpoint, at most 2 connections at once per address across
 * the run), writes one append-only report per endpoint address, and folds them into latest.json.
 */
export async function runTls(
  store: ObjectStore,
  endpoints: readonly EndpointConfig[],
  options: TlsRunOptions,
): Promise<TlsRunSummary> {
  const now = options.now ?? (() => new Date());
  const startedAt = options.startedAt.toISOString();
  const byId = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]));
  const connections = new KeyedLimiter(options.tls?.perAddressConnections ?? DEFAULT_CONNECTIONS_PER_ADDRESS);
  const problems: Problem[] = [];
  // Endpoints linked to notices are checked against what those notices promise now; the last
  // check's promises (latest.json) tell whether a notice changed its promise since.
  let promises: Map<string, TlsPromise[]> | undefined;
  if (endpoints.some((endpoint) => endpoint.notices?.length)) {
    const latest = await readLatest(store);
    if (!latest.ok) problems.push(latest.problem);
    promises = await linkedTlsPromises(store, endpoints, latest.ok ? latest.value.endpoints : {});
  }
  // Report names by endpoint address, once written. Writes that finish after the run gave up on
  // them (`closed`) change nothing: the run's result is fixed at that moment.
  const reportOf = new Map<string, string>();
  const key = (result: EndpointCheckResult) => `${result.id}@${result.address ?? ''}`;
  let closed = false;
  // Each report is written as soon as its endpoint is checked, a few at a time, so the run does not
  // end with a long tail of writes after its deadline.
  const writes = new KeyedLimiter(REPORT_WRITES_AT_ONCE);
  const pendingWrites: Array<Promise<void>> = [];
  const writeReportOf = (result: EndpointCheckResult): void => {
    const endpoint = byId.get(result.id);
    const name = tlsReportName(startedAt, result.id, options.runId, endpoint?.allAddresses ? result.address : null);
    const write = writes.run('reports', async () => {
      const written = await writeReport(store, name, {
        schemaVersion: REPORT_SCHEMA_VERSION,
        kind: 'endpoint-check',
        ...result,
        runId: options.runId,
        report: name,
      });
      if (closed) return;
      if (written.ok) reportOf.set(key(result), name);
      else problems.push(written.problem);
    });
    // A write must not reject; if one does, the run says so instead of the process crashing.
    pendingWrites.push(
      write.catch((error: unknown) => {
        if (!closed)
          problems.push(problemFromError('REPORT_NOT_WRITTEN', 'An endpoint report could not be written', error));
      }),
    );
  };
  const checked = await runItems(
    endpoints,
    (endpoint, signal) => checkEndpoint(endpoint, { ...options.tls, promises, signal, connections }),
    options,
    {
      onThrow: (error, endpoint) => [checkFailedResult(endpoint, error)],
      onDone: (results, done, total) => {
        for (const result of results) {
          options.onProgress?.(result, done, total);
          writeReportOf(result);
        }
      },
    },
  );
  problems.push(...checked.problems);
  const clock = () => now().getTime();
  const drained = await byDeadline(
    Promise.all(pendingWrites).then(() => ok(undefined)),
    options.hardDeadline,
    'write every endpoint report',
    clock,
  );
  closed = true;
  if (!drained.ok) problems.push(drained.problem);
  const outcomes: EndpointOutcome[] = checked.results.flat().map((result) => ({
    ...result,
    runId: options.runId,
    report: reportOf.get(key(result)) ?? null,
  }));
  const entries: Record<string, LatestEndpointEntry> = {};
  for (const outcome of outcomes)
    if (outcome.report) entries[latestKey(byId.get(outcome.id), outcome)] = latestEntry(outcome);
  const finishedAt = now().toISOString();
  if (Object.keys(entries).length) {
    const latest = await byDeadline(
      recordLatestEndpoints(store, entries, finishedAt),
      options.hardDeadline,
      'update latest.json',
      clock,
    );
    if (!latest.ok) problems.push(latest.problem);
  }
  // After the checks and before the summary, which lists the deliveries.
  const alertsBy = options.hardDeadline === undefined ? undefined : options.hardDeadline - 5_000;
  const alerts = await byDeadline(
    alertsAfterTls(store, outcomes, endpoints, options.notify, {
      runId: options.runId,
      now,
      deadline: alertsBy,
    }).then(ok),
    alertsBy,
    'record and deliver its alerts',
    clock,
  );
  if (!alerts.ok) problems.push(alerts.problem);
  else problems.push(...alerts.value.problems);
  const notifications = alerts.ok ? alerts.value.notifications : undefined;
  const counts = {
    compliant: outcomes.filter((outcome) => outcome.compliant).length,
    nonCompliant: outcomes.filter((outcome) => !outcome.compliant && !isIncomplete(outcome)).length,
    incomplete: outcomes.filter(isIncomplete).length,
  };
  const summaryName = tlsRunSummaryName(startedAt, options.runId);
  const summary = {
    runId: options.runId,
    startedAt,
    finishedAt,
    trigger: options.trigger ?? DEFAULT_TRIGGER,
    endpoints: outcomes,
    notReached: checked.notReached,
    abandoned: checked.abandoned,
    problems,
    counts,
    ...(notifications ? { notifications } : {}),
  };
  const written = await byDeadline(
    writeReport(store, summaryName, { schemaVersion: REPORT_SCHEMA_VERSION, kind: 'tls-run', ...summary }),
    options.hardDeadline,
    'write the run summary',
    clock,
  );
  if (!written.ok) problems.push(written.problem);
  return { ...summary, summary: written.ok ? summaryName : null };
}

/** Exit status contract: 2 an endpoint could not be checked, 1 one is non-compliant, 0 all compliant. */
export function tlsExitCode(summary: Pick<TlsRunSummary, 'endpoints' | 'notReached' | 'problems'>): 0 | 1 | 2 {
  if (summary.notReached.length || summary.problems.length || summary.endpoints.some(isIncomplete)) return 2;
  return summary.endpoints.every((endpoint) => endpoint.compliant) ? 0 : 1;
}
