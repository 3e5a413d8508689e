/**
 * Report blob names are date-partitioned (by the run's start, so one run's reports stay
 * together) and derived from the run id, so writing the same run's report twice is a no-op.
 */
function datePath(iso: string): string {
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
}

export function noticeReportName(runStartedAt: string, noticeId: string, runId: string): string {
  return `drift/${datePath(runStartedAt)}/${noticeId}/${runId}.json`;
}

/** One report per endpoint and run; per address too when an endpoint checks all of its addresses. */
export function tlsReportName(runStartedAt: string, endpointId: string, runId: string, address: string | null): string {
  const suffix = address ? `@${address.replace(/[^0-9a-fA-F.]/g, '_')}` : '';
  return `tls/${datePath(runStartedAt)}/${endpointId}/${runId}${suffix}.json`;
}

export function runSummaryName(runStartedAt: string, runId: string): string {
  return `runs/${datePath(runStartedAt)}/${runId}.json`;
}

export const LATEST_NAME = 'latest.json';
