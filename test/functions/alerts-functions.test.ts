import { HttpRequest } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeDriftHttpHandler } from '../../functions/drift-http';
import { makeDriftTimerHandler } from '../../functions/drift-timer';
import { MemoryObjectStore } from '../../shared/storage';
import { type AlertReceiver, startAlertReceiver } from '../support/alert-receiver';
import { fakeTimer } from '../support/fakes';
import { testContext, testDeps } from '../support/function-harness';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { noticeV1, noticeV2 } from '../support/sample-notices';

/** The Functions triggers alert like the CLI: channel settings from the app settings, deliveries in the answer and the log. */

const SECRET = 'fn-hook-secret-c0ffee';
let server: NoticeServer;
let receiver: AlertReceiver;
beforeAll(async () => {
  [server, receiver] = await Promise.all([startNoticeServer(), startAlertReceiver()]);
});
afterAll(async () => {
  await Promise.all([server?.close(), receiver?.close()]);
});

const TIMER = fakeTimer();

describe('alerts from the Functions triggers', () => {
  it('driftHttp and driftTimer deliver, report and log deliveries without the URL or the secret', async () => {
    const store = new MemoryObjectStore();
    const document = {
      notices: [{ id: 'fn-notice', url: `${server.origin}/fn.md`, format: 'markdown' }],
      channels: [{ id: 'ops', kind: 'webhook', urlSetting: 'FN_HOOK_URL', secretSetting: 'FN_HOOK_SECRET' }],
    };
    const env = { FN_HOOK_URL: receiver.url('/fn/path-token-4d2'), FN_HOOK_SECRET: SECRET };
    const deps = testDeps(store, document, env);
    server.setText('/fn.md', noticeV1());
    const post = () => new HttpRequest({ method: 'POST', url: 'http://localhost/api/drift' });
    expect((await makeDriftHttpHandler(deps)(post(), testContext('driftHttp').context)).status).toBe(200);

    server.setText('/fn.md', noticeV2());
    const { context, logs } = testContext('driftHttp');
    const response = await makeDriftHttpHandler(deps)(post(), context);
    expect(response.jsonBody).toMatchObject({ notifications: { recorded: 1, sent: 1, pending: 0, failed: 0 } });
    expect(receiver.accepted()).toHaveLength(1);

    // The receiver is down when the timer's run raises the next alert: the log says it is pending.
    server.setText('/fn.md', noticeV2().replace('180 days', '400 days'));
    await receiver.stop();
    const timer = testContext('driftTimer');
    try {
      await makeDriftTimerHandler({ ...deps, settings: { ...deps.settings, driftSchedule: '0 */5 * * * *' } })(
        TIMER,
        timer.context,
      );
    } finally {
      await receiver.start();
    }
    const lines = timer.logs.map((line) => line.message);
    expect(lines).toContainEqual(expect.stringContaining('drift run alerts: 1 recorded, 0 sent, 1 pending, 0 failed'));
    expect(lines).toContainEqual(
      expect.stringMatching(
        /alert notice-changed fn-notice -> ops: pending after 3 attempt\(s\) \[CHANNEL_UNREACHABLE\]/,
      ),
    );
    for (const text of [JSON.stringify(response.jsonBody), ...logs.map((line) => line.message), ...lines]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('path-token-4d2');
    }
  });
});
