import { WATCHLIST_ID } from '../config/watchlist';

/**
 * Where everything is stored: the one answer to "which container, which blob name?". One entry per
 * row of the README's storage-layout table, in the same order; nothing else builds a blob name.
 *
 * Names built from ids and run ids are safe as they are: watchlist ids match `[a-z0-9._-]` and run
 * ids are `compactTimestamp-suffix`.
 */

/** Raw fetched bytes and extracted snapshots are kept apart, so a change in extraction never rewrites history. */
export const CONTAINERS = {
  raw: 'raw',
  snapshots: 'snapshots',
  state: 'state',
  reports: 'reports',
} as const;

/** `raw`: `<noticeId>/<sha256 of bytes>`, the bytes as fetched; create-only. */
export function rawName(noticeId: string, rawHash: string): string {
  return `${noticeId}/${rawHash}`;
}

/** `snapshots`: `<noticeId>/<sha256 of snapshot>.md`, the normalised snapshot; create-only. */
export function snapshotName(noticeId: string, hash: string): string {
  return `${noticeId}/${hash}.md`;
}

/** `state`: `notices/<noticeId>.json`, the notice's pointer; replaced only with If-Match on its ETag. */
export function pointerName(noticeId: string): string {
  return `notices/${noticeId}.json`;
}

/**
 * `reports`: `drift/YYYY/MM/DD/<noticeId>/<runId>.json`, one report per notice per run; create-only.
 *
 * Report names are date-partitioned by the day the run id carries (run ids start with their UTC
 * timestamp, `20261129T060000Z-...`), so one run's reports stay together and a name is a pure
 * function of the run id and the subject: a run taken over later, even on another day, writes to
 * the same names, and writing the same run's report twice is a no-op.
 */
export function noticeReportName(runStartedAt: string, noticeId: string, runId: string): string {
  return `drift/${datePath(runId, runStartedAt)}/${noticeId}/${runId}.json`;
}

/**
 * `reports`: `tls/YYYY/MM/DD/<endpointId>/<runId>.json`, one report per endpoint and run; per address
 * too (`<runId>@<address>.json`) when an endpoint checks all of its addresses. Create-only.
 */
export function tlsReportName(runStartedAt: string, endpointId: string, runId: string, address: string | null): string {
  const suffix = address ? `@${address.replace(/[^0-9a-fA-F.]/g, '_')}` : '';
  return `tls/${datePath(runId, runStartedAt)}/${endpointId}/${runId}${suffix}.json`;
}

/** `state`: `slots/<drift|tls>/<slot>.json`, which run owns a timer's schedule slot. */
export function slotClaimName(kind: string, slot: Date): string {
  return `slots/${kind}/${compactTimestamp(slot)}.json`;
}

/** `reports`: `runs/YYYY/MM/DD/<runId>.json`, the drift run summary; create-only. */
export function driftRunSummaryName(runStartedAt: string, runId: string): string {
  return `runs/${datePath(runId, runStartedAt)}/${runId}.json`;
}

/** `reports`: `runs/YYYY/MM/DD/<runId>-tls.json`, the TLS run summary; create-only. */
export function tlsRunSummaryName(runStartedAt: string, runId: string): string {
  return driftRunSummaryName(runStartedAt, `${runId}-tls`);
}

/** `reports`: `latest.json`, the latest state of every notice and endpoint; ETag read-modify-write. */
export const LATEST_NAME = 'latest.json';

/**
 * `state`: `outbox/<report name>/<kind>/<channel>.json`, one alert to one channel, for example
 * `outbox/drift/2026/11/29/<notice>/<run>/notice-changed/<channel>.json`; create-only, then its
 * delivery state by ETag compare-and-swap.
 */
export function outboxName(report: string, kind: string, channel: string): string {
  return `outbox/${report.replace(/\.json$/, '')}/${kind}/${channel}.json`;
}

/** `state`: `notify/pending.json`, the outbox records still to deliver (read instead of every record ever written). */
export const PENDING_ALERTS_NAME = 'notify/pending.json';

/** `state`: `notify/notices.json`, `notify/endpoints.json`, per-item alert counters and alerts decided but not yet written. */
export function alertTrackingName(target: 'notices' | 'endpoints'): string {
  return `notify/${target}.json`;
}

/** `state`: `feeds/changes.json`, the newest changes, for the Atom feeds. */
export const CHANGE_INDEX_NAME = 'feeds/changes.json';

/** `state`: `feeds/notices/<noticeId>.json`, the notice's newest changes, for its own Atom feed. */
export function noticeChangeIndexName(noticeId: string): string {
  return `feeds/notices/${noticeId}.json`;
}

/** `state`: `history/<noticeId>.json`, the notice's history head; replaced only with If-Match. */
export function historyHeadName(noticeId: string): string {
  return `history/${noticeId}.json`;
}

/** `state`: `history/<noticeId>/<YYYY-MM>.json`, that month's change summaries; replaced only with If-Match. */
export function historyMonthName(noticeId: string, month: string): string {
  return `history/${noticeId}/${month}.json`;
}

/** `reports`: `reviews/<report name>/`, where every review of one change sits. */
export function reviewsPrefix(report: string): string {
  return `reviews/${report}/`;
}

/**
 * `reports`: `reviews/<report name>/<YYYYMMDDTHHMMSS.mmmZ>[-<hex>].json`, one review of one change;
 * create-only, append-only. The stamp sorts by time and reads as one; `suffix` separates two
 * reviews in the same millisecond.
 */
export function reviewName(report: string, at: Date, suffix = ''): string {
  return `${reviewsPrefix(report)}${at.toISOString().replace(/[-:]/g, '')}${suffix}.json`;
}

/** The folders of the reports container that hold reports (latest.json sits beside them). */
export const REPORT_FOLDERS = ['drift/', 'runs/', 'tls/'] as const;

/** `20261129T051500Z`: sortable and safe in blob names. */
export function compactTimestamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export interface NoticeReportNameParts {
  readonly noticeId: string;
  /** `YYYY-MM` of the run the report belongs to. */
  readonly month: string;
  readonly runId: string;
}

const NOTICE_REPORT_NAME = /^drift\/(\d{4})\/(\d{2})\/(\d{2})\/([^/]+)\/(\d{8}T\d{6}Z-[A-Za-z0-9_-]+)\.json$/;

/** The parts of a notice report name as noticeReportName writes it; null for anything else. */
export function parseNoticeReportName(name: string): NoticeReportNameParts | null {
  const match = NOTICE_REPORT_NAME.exec(name);
  if (!match || !WATCHLIST_ID.test(match[4])) return null;
  return { noticeId: match[4], month: `${match[1]}-${match[2]}`, runId: match[5] };
}

function datePath(runId: string, runStartedAt: string): string {
  const stamp = /^(\d{4})(\d{2})(\d{2})T/.exec(runId);
  if (stamp) return `${stamp[1]}/${stamp[2]}/${stamp[3]}`;
  return `${runStartedAt.slice(0, 4)}/${runStartedAt.slice(5, 7)}/${runStartedAt.slice(8, 10)}`;
}
