import { describe, expect, it } from 'vitest';

import {
  alertTrackingName,
  CHANGE_INDEX_NAME,
  driftRunSummaryName,
  historyHeadName,
  historyMonthName,
  LATEST_NAME,
  noticeReportName,
  outboxName,
  parseNoticeReportName,
  PENDING_ALERTS_NAME,
  pointerName,
  rawName,
  reviewName,
  slotClaimName,
  snapshotName,
  tlsReportName,
  tlsRunSummaryName,
} from '../../shared/storage';

describe('the storage layout', () => {
  it('names every blob as the README storage table says', () => {
    const runId = '20261129T060000Z-3f9a1c';
    const startedAt = '2026-11-29T06:00:00.000Z';
    expect(rawName('contoso', 'ab12')).toBe('contoso/ab12');
    expect(snapshotName('contoso', 'cd34')).toBe('contoso/cd34.md');
    expect(pointerName('contoso')).toBe('notices/contoso.json');
    expect(noticeReportName(startedAt, 'contoso', runId)).toBe(`drift/2026/11/29/contoso/${runId}.json`);
    expect(tlsReportName(startedAt, 'gw', runId, null)).toBe(`tls/2026/11/29/gw/${runId}.json`);
    expect(tlsReportName(startedAt, 'gw', runId, '2001:db8::1')).toBe(`tls/2026/11/29/gw/${runId}@2001_db8__1.json`);
    expect(slotClaimName('drift', new Date(startedAt))).toBe('slots/drift/20261129T060000Z.json');
    expect(driftRunSummaryName(startedAt, runId)).toBe(`runs/2026/11/29/${runId}.json`);
    expect(tlsRunSummaryName(startedAt, runId)).toBe(`runs/2026/11/29/${runId}-tls.json`);
    expect(LATEST_NAME).toBe('latest.json');
    expect(outboxName(`drift/2026/11/29/contoso/${runId}.json`, 'notice-changed', 'teams')).toBe(
      `outbox/drift/2026/11/29/contoso/${runId}/notice-changed/teams.json`,
    );
    expect([PENDING_ALERTS_NAME, alertTrackingName('notices'), alertTrackingName('endpoints')]).toEqual([
      'notify/pending.json',
      'notify/notices.json',
      'notify/endpoints.json',
    ]);
    expect(CHANGE_INDEX_NAME).toBe('feeds/changes.json');
    expect(historyHeadName('contoso')).toBe('history/contoso.json');
    expect(historyMonthName('contoso', '2026-11')).toBe('history/contoso/2026-11.json');
    const report = `drift/2026/11/29/contoso/${runId}.json`;
    expect(reviewName(report, new Date('2026-11-30T08:15:00.123Z'), '-ab12')).toBe(
      `reviews/${report}/20261130T081500.123Z-ab12.json`,
    );
    expect(parseNoticeReportName(report)).toEqual({ noticeId: 'contoso', month: '2026-11', runId });
    expect(parseNoticeReportName('drift/2026/11/29/Not..An-Id/x.json')).toBeNull();
  });

  it('dates report names by the run id, so a run taken over on another day writes the same names', () => {
    const runId = '20261129T230000Z-tls';
    expect(noticeReportName('2026-11-30T01:00:00.000Z', 'n', runId)).toBe(
      'drift/2026/11/29/n/20261129T230000Z-tls.json',
    );
    expect(driftRunSummaryName('2026-11-30T01:00:00.000Z', runId)).toBe('runs/2026/11/29/20261129T230000Z-tls.json');
  });
});
