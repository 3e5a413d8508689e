import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fail, type Result } from '../../shared/common/result';
import { parseWatchlist } from '../../shared/config';
import type { NotifyOptions } from '../../shared/notify';
import type { TrackingDocument } from '../../shared/notify/tracking';
import { newRunId, runDrift } from '../../shared/runs';
import { alertTrackingName, CONTAINERS, type CreateOutcome, MemoryObjectStore, readJson } from '../../shared/storage';
import { type AlertReceiver, startAlertReceiver } from '../support/alert-receiver';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { noticeV1, noticeV2 } from '../support/sample-notices';

/** Storage that refuses outbox records while `down` is set: a run that dies between deciding an alert and writing it. */
class OutboxFailingStore extends MemoryObjectStore {
  down = false;
  override async create(container: string, name: string, body: Buffer | string): Promise<Result<CreateOutcome>> {
    if (this.down && name.startsWith('outbox/')) return fail('STORAGE_ERROR', 'injected: storage went away');
    return super.create(container, name, body);
  }
}

let server: NoticeServer;
let receiver: AlertReceiver;
beforeAll(async () => {
  [server, receiver] = await Promise.all([startNoticeServer(), startAlertReceiver()]);
});
afterAll(async () => {
  await Promise.all([server?.close(), receiver?.close()]);
});

describe('an alert decided but not written', () => {
  it('is written and delivered once by the next run', async () => {
    const store = new OutboxFailingStore();
    const parsed = parseWatchlist({
      notices: [{ id: 'recover', url: `${server.origin}/recover.md`, format: 'markdown' }],
      channels: [{ id: 'hook', kind: 'webhook', urlSetting: 'URL' }],
    });
    if (!parsed.ok) throw new Error(parsed.problem.message);
    const notify: NotifyOptions = {
      channels: parsed.value.channels,
      env: { URL: receiver.url('/recover') },
      delivery: { backoffMs: 10 },
    };
    let clock = Date.UTC(2026, 11, 2, 6, 0, 0);
    const run = () => {
      clock += 60_000;
      const startedAt = new Date(clock);
      return runDrift(store, parsed.value.notices, {
        runId: newRunId(startedAt),
        startedAt,
        notify,
        fetchOptions: { timeoutMs: 2_000 },
      });
    };
    server.setText('/recover.md', noticeV1());
    await run();
    server.setText('/recover.md', noticeV2());
    store.down = true;
    const broken = await run();
    expect(broken.notices[0]).toMatchObject({ status: 'changed', alert: true });
    expect(broken.problems.map((problem) => problem.code)).toEqual(['ALERTS_INCOMPLETE']);
    expect(receiver.requests).toHaveLength(0);
    const tracking = await readJson<TrackingDocument>(store, CONTAINERS.state, alertTrackingName('notices'));
    expect(tracking.ok && tracking.value?.value.unwritten.map((alert) => alert.kind)).toEqual(['notice-changed']);

    store.down = false;
    const next = await run();
    expect(next.notices[0].status).toBe('unchanged');
    expect(next.notifications).toMatchObject({ recorded: 1, sent: 1 });
    await run();
    expect(receiver.accepted().map((request) => request.headers['idempotency-key'])).toEqual([
      `${broken.notices[0].report}#notice-changed`,
    ]);
    const after = await readJson<TrackingDocument>(store, CONTAINERS.state, alertTrackingName('notices'));
    expect(after.ok && after.value?.value.unwritten).toEqual([]);
  });
});
