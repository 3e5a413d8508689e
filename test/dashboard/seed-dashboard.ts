import { extractClaims } from '../../shared/claims';
import { documentFromSnapshotText } from '../../shared/notices';
import {
  type LatestEndpointEntry,
  type NoticeCheckResult,
  recordLatestEndpoints,
  recordLatestNotices,
  toNoticeReport,
  writeReport,
} from '../../shared/reports';
import { changeFields } from '../../shared/runs/decide-notice';
import { noticeReportName, type ObjectStore } from '../../shared/storage';
import { noticeV1, noticeV2 } from '../support/sample-notices';

/** Markup an attacker could publish in a notice; the page must show it as text and never run it. */
export const XSS_SCRIPT = '<script>window.__xss=1</script>';
export const XSS_IMG = '<img src=x onerror="window.__xss=2">';

const RUN_STARTED = '2026-11-29T06:00:00.000Z';
const RUN_ID = '20261129T060000Z-dash01';
const PREVIOUS_RUN_STARTED = '2026-11-28T06:00:00.000Z';
const PREVIOUS_RUN_ID = '20261128T060000Z-dash00';
const CHECKED_AT = '2026-11-29T06:00:02.000Z';

export interface DashboardSeed {
  /** Report name of the change the test opens. */
  readonly changeReport: string;
  readonly changedNoticeId: string;
  /** The id that is itself markup. */
  readonly hostileNoticeId: string;
}

function snapshot(id: string, n: number): string {
  return `${id}/${String(n).repeat(64).slice(0, 64)}.md`;
}

function result(
  id: string,
  status: NoticeCheckResult['status'],
  extra: Record<string, unknown> = {},
): NoticeCheckResult {
  // A fixture: a report as stored, with only the fields a test needs beyond these.
  return {
    id,
    url: `https://docs.example.test/privacy/${id}.md`,
    runId: RUN_ID,
    checkedAt: CHECKED_AT,
    durationMs: 40,
    status,
    previousSnapshot: status === 'baseline' ? null : snapshot(id, 1),
    currentSnapshot: status === 'error' ? null : snapshot(id, status === 'changed' ? 2 : 1),
    rawSnapshot: null,
    ...(status === 'changed' ? { metadataChanges: [], sections: [] } : {}),
    report: noticeReportName(RUN_STARTED, id, RUN_ID),
    ...extra,
  } as NoticeCheckResult;
}

/**
 * Seeds the reports container as a few real runs would leave it: latest.json with a notice in
 * every status (and hostile markup in an id, an error message and a changed heading), endpoints
 * compliant and not, and the report of one change, with a diff produced by the real analyser.
 */
export async function seedDashboard(store: ObjectStore): Promise<DashboardSeed> {
  const changedId = 'contoso-insights';
  // The published heading itself carries markup, so it shows up in sections and in the diff.
  const before = documentFromSnapshotText(noticeV1().replace('## Data we collect', `## Data we collect ${XSS_SCRIPT}`));
  const after = documentFromSnapshotText(
    noticeV2()
      .replace('## Data we collect', `## Data we collect ${XSS_SCRIPT}`)
      .replace('ms.date: 03/14/2026', 'ms.date: 05/02/2026')
      .replace('author: contoso-docs', `author: "${XSS_IMG.replace(/"/g, "'")}"`),
  );
  // The fields a real change report gets from its two snapshots, made as the drift run makes them.
  const changed = result(changedId, 'changed', {
    ...changeFields(before, after, snapshot(changedId, 1), snapshot(changedId, 2)),
    recurrence: null,
    alert: true,
  });

  const hostileId = `evil${XSS_IMG}`;
  const results: NoticeCheckResult[] = [
    changed,
    result('fabrikam-portal', 'unchanged', { notModified: true }),
    result('northwind-app', 'baseline', { claims: extractClaims(before) }),
    result('tailspin-docs', 'error', {
      error: {
        code: 'SUSPECT_BODY',
        message: `The page now reads "${XSS_SCRIPT}" and ${XSS_IMG}; not treated as a change.`,
      },
    }),
    // A body held for review: why, and its first lines (fetched text, so markup is shown as text).
    result('wingtip-bikes', 'error', {
      error: {
        code: 'SUSPECT_BODY',
        message: 'The body looks like an error or stub page. Held for review, not treated as a change.',
      },
      heldForReview: {
        signal: 'error-page',
        reason:
          'The body looks like an error or stub page, not the notice: it is short (28 letters) and reads "page introuvable" (not found, fr).',
        figures: { letters: 28, kind: 'not found', phrase: 'page introuvable', language: 'fr', concepts: 0 },
        firstLines: ['Erreur / Page introuvable', `Retour à l'accueil ${XSS_SCRIPT}`],
        hash: 'a'.repeat(64),
        seen: 1,
        needed: 3,
        firstSeen: CHECKED_AT,
      },
    }),
    // A fetch that failed after a body was held: the error, and the held body still on view.
    result('adventure-works', 'error', {
      error: { code: 'FETCH_TIMEOUT', message: 'No answer within 20000 ms.' },
      heldForReview: {
        signal: 'truncation',
        reason: 'The body is the first 60% of the previous snapshot, word for word, and stops mid-sentence.',
        figures: { ratio: 0.6, endsMidway: true },
        firstLines: ['# Adventure Works privacy notice', 'We collect your name and'],
        hash: 'b'.repeat(64),
        seen: 2,
        needed: 3,
        firstSeen: CHECKED_AT,
      },
    }),
    // Ids are validated by the watchlist, but the page must not trust even that.
    {
      ...result('placeholder', 'error', { error: { code: 'HTTP_STATUS', message: 'answered HTTP 404 Not Found' } }),
      id: hostileId,
      url: 'javascript:window.__xss=4',
      report: null,
    },
  ];
  for (const entry of results) {
    if (entry.report) {
      const written = await writeReport(store, entry.report, toNoticeReport(entry));
      if (!written.ok) throw new Error(written.problem.message);
    }
  }
  // An older change of the unchanged notice, so its row also links to a change.
  const olderChange = result('fabrikam-portal', 'changed', {
    runId: PREVIOUS_RUN_ID,
    checkedAt: '2026-11-28T06:00:02.000Z',
    substantive: false,
    diff: '--- a\n+++ b\n@@ -4 +4 @@\n-ms.date: 01/01/2026\n+ms.date: 02/02/2026\n',
    metadataChanges: [{ key: 'ms.date', before: '01/01/2026', after: '02/02/2026' }],
    report: noticeReportName(PREVIOUS_RUN_STARTED, 'fabrikam-portal', PREVIOUS_RUN_ID),
  });
  const olderWritten = await writeReport(store, olderChange.report!, toNoticeReport(olderChange));
  if (!olderWritten.ok) throw new Error(olderWritten.problem.message);
  const olderLatest = await recordLatestNotices(store, [olderChange], '2026-11-28T06:00:05.000Z');
  if (!olderLatest.ok) throw new Error(olderLatest.problem.message);

  const latest = await recordLatestNotices(store, results, '2026-11-29T06:00:05.000Z');
  if (!latest.ok) throw new Error(latest.problem.message);
  const endpoints = await recordLatestEndpoints(store, seedEndpoints(), '2026-11-29T06:05:00.000Z');
  if (!endpoints.ok) throw new Error(endpoints.problem.message);
  return { changeReport: changed.report!, changedNoticeId: changedId, hostileNoticeId: hostileId };
}

function endpoint(id: string, overrides: Partial<LatestEndpointEntry>): LatestEndpointEntry {
  return {
    id,
    host: `${id}.example.test`,
    port: 443,
    address: '203.0.113.10',
    checkedAt: '2026-11-29T06:04:00.000Z',
    runId: '20261129T060400Z-tls001',
    compliant: true,
    protocols: {
      SSLv3: 'rejected',
      TLSv1: 'rejected',
      'TLSv1.1': 'rejected',
      'TLSv1.2': 'accepted',
      'TLSv1.3': 'accepted',
    },
    findings: [],
    certificate: {
      subject: `CN=${id}.example.test`,
      issuer: 'CN=Example Issuing CA',
      validTo: '2027-03-01T12:00:00.000Z',
      daysRemaining: 92,
    },
    report: `tls/2026/11/29/${id}/20261129T060400Z-tls001.json`,
    ...overrides,
  };
}

export function seedEndpoints(): Record<string, LatestEndpointEntry> {
  return {
    'insights-api': endpoint('insights-api', {
      promises: [{ notice: 'contoso-insights', claim: 'tlsMinimum', value: '1.2', holds: true }],
    }),
    'legacy-portal': endpoint('legacy-portal', {
      port: 8443,
      promises: [{ notice: 'contoso-insights', claim: 'tlsMinimum', value: '1.2', holds: false }],
      compliant: false,
      protocols: {
        SSLv3: 'rejected',
        TLSv1: 'accepted',
        'TLSv1.1': 'accepted',
        'TLSv1.2': 'accepted',
        'TLSv1.3': 'rejected',
      },
      findings: [
        {
          id: 'LEGACY_PROTOCOL_TLSv1',
          severity: 'high',
          message: 'TLS 1.0 is accepted; the notice promises TLS 1.2 or higher.',
        },
        { id: 'LEGACY_PROTOCOL_TLSv1.1', severity: 'high', message: 'TLS 1.1 is accepted.' },
        { id: 'CERT_EXPIRING_SOON', severity: 'warning', message: `Certificate expires in 12 day(s) ${XSS_IMG}.` },
      ],
      certificate: {
        subject: 'CN=legacy-portal.example.test',
        issuer: 'CN=Example Issuing CA',
        validTo: '2026-12-11T00:00:00.000Z',
        daysRemaining: 12,
      },
    }),
    'unreachable-gw': endpoint('unreachable-gw', {
      compliant: false,
      address: null,
      protocols: { SSLv3: 'error', TLSv1: 'error', 'TLSv1.1': 'error', 'TLSv1.2': 'error', 'TLSv1.3': 'error' },
      findings: [{ id: 'UNREACHABLE', severity: 'critical', message: 'No TLS handshake completed.' }],
      certificate: null,
      problem: { code: 'DNS_LOOKUP_FAILED', message: 'Host name could not be resolved (ENOTFOUND).' },
    }),
  };
}
