/**
 * Report blob names are date-partitioned by the day the run id carries (run ids start with their
 * UTC timestamp, `20261129T060000Z-...`), so one run's reports stay together and a name is a pure
 * function of the run id and the subject: a run taken over later, even on another day, writes to
 * the same names, and writing the same run's report twice is a no-op.
 */
function datePath(runId: string, runStartedAt: string): string {
  const stamp = /^(\d{4})(\d{2})(\d{2})T/.exec(runId);
  if (stamp) return `${stamp[1]}/${stamp[2]}/${stamp[3]}`;
  return `${runStartedAt.slice(0, 4)}/${runStartedAt.slice(5, 7)}/${runStartedAt.slice(8, 10)}`;
}

export function noticeReportName(runStartedAt: string, noticeId: string, runId: string): string {
  return `drift/${datePath(runId, runStartedAt)}/${noticeId}/${runId}.json`;
}

/** One report per endpoint and run; per address too when an endpoint checks all of its addresses. */
export function tlsReportName(runStartedAt: string, endpointId: string, runId: string, address: string | null): string {
  const suffix = address ? `@${address.replace(/[^0-9a-fA-F.]/g, '_')}` : '';
  return `tls/${datePath(runId, runStartedAt)}/${endpointId}/${runId}${suffix}.json`;
}

export function runSummaryName(runStartedAt: string, runId: string): string {
  return `runs/${datePath(runId, runStartedAt)}/${runId}.json`;
}

export const LATEST_NAME = 'latest.json';

export interface NoticeReportNameParts {
  readonly noticeId: string;
  /** `YYYY-MM` of the run the report belongs to. */
  readonly month: string;
  readonly runId: string;
}

const NOTICE_REPORT_NAME =
  /^drift\/(\d{4})\/(\d{2})\/(\d{2})\/((?!.*\.\.)[a-z0-9][a-z0-9._-]{0,79})\/(\d{8}T\d{6}Z-[A-Za-z0-9_-]+)\.json$/;

/** The parts of a notice report name as noticeReportName writes it; null for anything else. */
export function parseNoticeReportName(name: string): NoticeReportNameParts | null {
  const match = NOTICE_REPORT_NAME.exec(name);
  if (!match) return null;
  return { noticeId: match[4], month: `${match[1]}-${match[2]}`, runId: match[5] };
}
