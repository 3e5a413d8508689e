import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ok, type Result } from '../../shared/common/result';
import { loadWatchlist, readSettings } from '../../shared/config';
import { packageRoot } from '../../shared/config/settings';
import type { NoticeCheckResult } from '../../shared/reports';
import { newRunId } from '../../shared/runs';
import { type ObjectStore, openStore } from '../../shared/storage';
import { driftPart, type RunContext, tlsPart } from '../check-commands';
import { type CliOptions, reportProblem } from '../cli-context';
import { progress } from '../cli-output';
import { LOOPBACK, parsePort, startReadApi } from '../serve-command';
import { catchStopSignal } from '../stop-signal';
import { createDemoPki, EXPIRING_SOON_DAYS } from './demo-certificates';
import { type RunningDemoServer, startDemoPublisher, startDemoTlsEndpoint } from './demo-servers';

export const DEMO_NOTICE_ID = 'fabrikam-fitness-privacy';
export const DEMO_COOKIES_ID = 'fabrikam-fitness-cookies';
export const DEMO_ENDPOINTS = {
  modern: 'fabrikam-api',
  legacy: 'fabrikam-legacy-sync',
  expiring: 'fabrikam-cdn',
} as const;

interface DemoRun {
  readonly lines: string[];
  readonly notices: readonly NoticeCheckResult[];
  readonly endpoints: ReadonlyArray<{ id: string; compliant: boolean; findings: ReadonlyArray<{ id: string }> }>;
  readonly problems: number;
}

/** One full check, as `noticewatch run` does it: drift, then TLS, into the demo's own storage. */
async function runOnce(store: ObjectStore, watchlistPath: string, label: string): Promise<Result<DemoRun>> {
  const watchlist = await loadWatchlist(watchlistPath);
  if (!watchlist.ok) return watchlist;
  // Settings are the defaults, not the environment's: the demo must behave the same everywhere.
  const settings = readSettings({});
  const startedAt = new Date();
  const context: RunContext = {
    store,
    watchlist: watchlist.value,
    settings,
    limits: { fetchTimeoutMs: 5_000, tlsTimeoutMs: 3_000, concurrency: 4 },
    runId: newRunId(startedAt),
    startedAt,
  };
  progress(`demo: ${label}: run ${context.runId}, drift then TLS`);
  const drift = await driftPart(context, []);
  if (!drift.ok) return drift;
  const tls = await tlsPart(context, watchlist.value.endpoints, undefined);
  return ok({
    lines: [`noticewatch demo, ${label} (${context.runId})`, ...drift.value.lines, ...tls.lines],
    notices: drift.value.outcome.notices,
    endpoints: tls.summary.endpoints,
    problems: drift.value.outcome.problems.length + tls.summary.problems.length,
  });
}

/** What the demo is built to show; anything else means the demo (or the checker) is broken. */
function demoSurprises(first: DemoRun, second: DemoRun): string[] {
  const surprises: string[] = [];
  const notice = (run: DemoRun, id: string) => run.notices.find((entry) => entry.id === id);
  const endpoint = (id: string) => second.endpoints.find((entry) => entry.id === id);
  for (const entry of first.notices)
    if (entry.status !== 'baseline') surprises.push(`first check: ${entry.id} is ${entry.status}, not baseline`);
  const changed = notice(second, DEMO_NOTICE_ID);
  if (changed?.status !== 'changed' || !changed.substantive || changed.metadataChanges.length === 0)
    surprises.push(`second check: ${DEMO_NOTICE_ID} is not changed in wording and metadata`);
  if (notice(second, DEMO_COOKIES_ID)?.status !== 'unchanged')
    surprises.push(`second check: ${DEMO_COOKIES_ID} is not unchanged`);
  if (endpoint(DEMO_ENDPOINTS.modern)?.compliant !== true) surprises.push(`${DEMO_ENDPOINTS.modern} is not compliant`);
  const legacy = endpoint(DEMO_ENDPOINTS.legacy);
  if (legacy?.compliant !== false || !legacy.findings.some((finding) => finding.id === 'TLS1_0_ACCEPTED'))
    surprises.push(`${DEMO_ENDPOINTS.legacy} is not found accepting TLS 1.0`);
  const expiring = endpoint(DEMO_ENDPOINTS.expiring);
  if (expiring?.compliant !== true || !expiring.findings.some((finding) => finding.id === 'CERT_EXPIRING_SOON'))
    surprises.push(`${DEMO_ENDPOINTS.expiring} is not compliant with a certificate expiring soon`);
  if (first.problems + second.problems > 0) surprises.push('a run reported problems (see above)');
  return surprises;
}

/**
 * `noticewatch demo`: the whole product on this machine, offline. A publisher on loopback serves a sample
 * notice, three TLS endpoints of different strengths stand in for a service, and an embedded Azurite holds
 * the evidence; all of it lives in a temporary folder removed at exit. Two full checks run, with a new
 * version of the notice published in between, and the dashboard is served over the result.
 */
export async function runDemoCommand(options: CliOptions): Promise<number> {
  const port = parsePort(options.port, 0);
  const folder = mkdtempSync(join(tmpdir(), 'noticewatch-demo-'));
  const removeFolder = () => rmSync(folder, { recursive: true, force: true });
  // A second Ctrl-C does not wait for the servers, but still leaves nothing behind.
  const stop = catchStopSignal(removeFolder);
  const running: RunningDemoServer[] = [];
  let closeStore: (() => Promise<void>) | null = null;
  try {
    progress(`demo: working in ${folder} (removed at exit)`);
    progress('demo: starting an embedded Azurite for the evidence, and generating a demo certificate authority');
    // Both take seconds and neither needs the other. The store is taken first so it is always closed.
    const making = createDemoPki();
    const opened = await openStore({ embeddedLocation: folder });
    if (!opened.ok) {
      making.catch(() => undefined); // the storage problem is the one to report
      return reportProblem(opened.problem);
    }
    closeStore = opened.value.close;
    const pki = await making;
    const store = opened.value.store;
    const caPath = join(folder, 'demo-ca.pem');
    writeFileSync(caPath, pki.ca.certPem);

    const publisher = await startDemoPublisher(join(packageRoot(), 'content', 'demo'), 2);
    running.push(publisher);
    progress(`demo: publishing version 1 of the sample notice at ${publisher.origin}/privacy/`);
    const [modern, legacy, expiring] = await Promise.all([
      startDemoTlsEndpoint({ certificate: pki.server, minVersion: 'TLSv1.2' }),
      startDemoTlsEndpoint({ certificate: pki.server, minVersion: 'TLSv1' }),
      startDemoTlsEndpoint({ certificate: pki.expiringSoon, minVersion: 'TLSv1.2' }),
    ]);
    running.push(modern, legacy, expiring);
    progress(
      `demo: TLS endpoints on 127.0.0.1: ${modern.port} (TLS 1.2 and 1.3), ${legacy.port} (still accepts TLS 1.0 and 1.1), ${expiring.port} (certificate expires in ${EXPIRING_SOON_DAYS} days)`,
    );

    const watchlistPath = join(folder, 'watchlist.json');
    const endpoint = (id: string, server: RunningDemoServer, description: string) => ({
      id,
      host: '127.0.0.1',
      port: server.port,
      minTls: '1.2',
      ca: caPath,
      description,
    });
    writeFileSync(
      watchlistPath,
      JSON.stringify(
        {
          notices: [
            {
              id: DEMO_NOTICE_ID,
              url: `${publisher.origin}/privacy/fabrikam-fitness.md`,
              format: 'markdown',
              description: 'The sample notice: front matter, sections and includes, one of them nested.',
            },
            {
              id: DEMO_COOKIES_ID,
              url: `${publisher.origin}/privacy/cookies.html`,
              format: 'html',
              selector: 'main',
              description: 'A published HTML page that does not change.',
            },
          ],
          endpoints: [
            endpoint(DEMO_ENDPOINTS.modern, modern, 'Accepts TLS 1.2 and 1.3 only.'),
            endpoint(DEMO_ENDPOINTS.legacy, legacy, 'Still accepts TLS 1.0 and 1.1.'),
            endpoint(DEMO_ENDPOINTS.expiring, expiring, `Certificate expires in ${EXPIRING_SOON_DAYS} days.`),
          ],
        },
        null,
        2,
      ),
    );
    if (stop.requested) return 0;

    const first = await runOnce(store, watchlistPath, 'first check');
    if (!first.ok) return reportProblem(first.problem);
    if (stop.requested) return 0;
    publisher.publish(2);
    progress(
      'demo: published version 2: new wording (location data, a section on sharing with partners), a new ms.date, and a changed include (retention)',
    );
    const second = await runOnce(store, watchlistPath, 'second check');
    if (!second.ok) return reportProblem(second.problem);
    process.stdout.write(`${[...first.value.lines, '', ...second.value.lines].join('\n')}\n`);
    const surprises = demoSurprises(first.value, second.value);
    for (const surprise of surprises) progress(`demo: unexpected: ${surprise}`);
    const exitCode = surprises.length ? 2 : 0;
    if (options.once || stop.requested) return exitCode;

    const server = await startReadApi(store, { host: LOOPBACK, port });
    if (!server.ok) return reportProblem(server.problem);
    running.push(server.value);
    progress('demo: serving the dashboard; open the URL below, Ctrl-C to stop and clean up');
    process.stdout.write(`\n${server.value.dashboardUrl}\n`);
    await stop.received;
    return exitCode;
  } finally {
    progress('demo: stopping the servers and removing the temporary folder');
    await Promise.all(running.map((server) => server.close()));
    if (closeStore) await closeStore();
    removeFolder();
    stop.dispose();
  }
}
