import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { NoticeConfig } from '../../shared/config';
import { acquireNotice } from '../../shared/notices';
import { newRunId, runDrift } from '../../shared/runs';
import { MemoryObjectStore } from '../../shared/storage';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { recordFault } from '../support/reliability-tally';
import { noticeV1 } from '../support/sample-notices';

let server: NoticeServer;
beforeAll(async () => {
  server = await startNoticeServer();
});
afterAll(async () => {
  await server?.close();
});

let counter = 0;
function runStart() {
  counter += 1;
  const startedAt = new Date(Date.UTC(2026, 10, 29, 9, 0, counter));
  return { runId: newRunId(startedAt, `d${counter}`), startedAt };
}

describe('a defect in one check', () => {
  it('becomes that notice’s INTERNAL_ERROR and the run completes', async () => {
    const store = new MemoryObjectStore();
    server.setText('/fine.md', noticeV1());
    const notices: NoticeConfig[] = [
      { id: 'fine', url: `${server.origin}/fine.md`, format: 'markdown' },
      { id: 'buggy', url: `${server.origin}/buggy.md`, format: 'markdown' },
    ];
    const summary = await runDrift(store, notices, {
      ...runStart(),
      acquire: async (notice, options) => {
        if (notice.id === 'buggy') throw new TypeError('simulated defect');
        return acquireNotice(notice, options);
      },
    });
    expect(summary.notices.map((result) => [result.id, result.status, result.error?.code ?? null])).toEqual([
      ['fine', 'baseline', null],
      ['buggy', 'error', 'INTERNAL_ERROR'],
    ]);
    expect(summary.summary).not.toBeNull();
    recordFault('a defect in one check');
  });
});
