import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { type AlertPayload, verifySignature } from '../../shared/notify';
import { type AlertReceiver, startAlertReceiver } from '../support/alert-receiver';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { runCli } from '../support/run-cli';
import { noticeV1, noticeV2 } from '../support/sample-notices';

const SECRET = 'cli-hook-secret-5a1d';
const PATH = '/hook/cli-path-token-77e3';
let storage: TestStorage;
let server: NoticeServer;
let receiver: AlertReceiver;
let watchlistPath: string;

beforeAll(async () => {
  [storage, server, receiver] = await Promise.all([startTestStorage(), startNoticeServer(), startAlertReceiver()]);
  const dir = mkdtempSync(join(tmpdir(), 'nw-notify-cli-'));
  watchlistPath = join(dir, 'watchlist.json');
  writeFileSync(
    watchlistPath,
    JSON.stringify({
      notices: [{ id: 'cli-alerted', url: `${server.origin}/alerted.md`, format: 'markdown' }],
      channels: [{ id: 'ops', kind: 'webhook', urlSetting: 'NW_CLI_HOOK_URL', secretSetting: 'NW_CLI_HOOK_SECRET' }],
    }),
  );
});
afterAll(async () => {
  await Promise.all([storage?.stop(), server?.close(), receiver?.close()]);
});
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.NW_CLI_HOOK_URL;
  delete process.env.NW_CLI_HOOK_SECRET;
  receiver.reset();
});

function configure(): void {
  process.env.NW_CLI_HOOK_URL = receiver.url(PATH);
  process.env.NW_CLI_HOOK_SECRET = SECRET;
}

function expectNoSecrets(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('cli-path-token-77e3');
  }
}

describe('noticewatch notify test', () => {
  it('sends one signed sample alert to the channel and says so', async () => {
    configure();
    const result = await runCli(['notify', 'test', 'ops', '--watchlist', watchlistPath]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Sent a test alert to webhook channel "ops": HTTP 200 after 1 attempt(s).\n');
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    const payload = JSON.parse(request.body) as AlertPayload;
    expect(payload).toMatchObject({ kind: 'notice-changed', test: true });
    expect(
      verifySignature(
        SECRET,
        request.headers['x-noticewatch-timestamp'] as string,
        request.body,
        request.headers['x-noticewatch-signature'] as string,
      ),
    ).toBe(true);
    expectNoSecrets(result.stdout, result.stderr);
  });

  it('fails with the reason, and no URL or secret, when the receiver refuses or the setting is missing', async () => {
    configure();
    receiver.failNext(5, 500);
    const refused = await runCli(['notify', 'test', 'ops', '--watchlist', watchlistPath, '--json']);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout).error).toEqual({
      code: 'CHANNEL_HTTP_ERROR',
      message: 'Channel "ops" answered HTTP 500.',
    });
    expect(receiver.requests).toHaveLength(3);
    expectNoSecrets(refused.stdout, refused.stderr);

    delete process.env.NW_CLI_HOOK_URL;
    const unset = await runCli(['notify', 'test', 'ops', '--watchlist', watchlistPath]);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('[CHANNEL_URL_REQUIRED]');
    expect(unset.stderr).toContain('NW_CLI_HOOK_URL');

    const unknown = await runCli(['notify', 'test', 'nope', '--watchlist', watchlistPath]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('[CHANNEL_NOT_FOUND] No channel "nope" on the watchlist (channels: ops)');
    expect((await runCli(['notify', 'send'])).code).toBe(2);
  });
});

describe('noticewatch drift with channels', () => {
  it('delivers what the run raised and shows the deliveries in the summary', async () => {
    configure();
    const args = [
      'drift',
      '--watchlist',
      watchlistPath,
      '--storage',
      storage.azurite.connectionString,
      '--timeout',
      '2000',
    ];
    server.setText('/alerted.md', noticeV1());
    expect((await runCli(args)).code).toBe(0);
    server.setText('/alerted.md', noticeV2());
    const changed = await runCli(args);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('alerts: 1 recorded, 1 sent, 0 pending, 0 failed');
    expect(receiver.accepted().map((request) => request.headers['x-noticewatch-event'])).toEqual(['notice-changed']);

    // Down for a run: the alert waits, the summary says why, the next run delivers it.
    server.setText('/alerted.md', noticeV2().replace('180 days', '365 days'));
    await receiver.stop();
    const held = await runCli([...args, '--json']);
    await receiver.start();
    const document = JSON.parse(held.stdout);
    expect(document.notifications).toMatchObject({ recorded: 1, sent: 0, pending: 1 });
    expect(document.notifications.deliveries[0]).toMatchObject({
      channel: 'ops',
      kind: 'notice-changed',
      state: 'pending',
      attempts: 3,
      lastStatus: null,
      lastError: { code: 'CHANNEL_UNREACHABLE' },
    });
    const next = await runCli(args);
    expect(next.stdout).toContain('alerts: 0 recorded, 1 sent, 0 pending, 0 failed');
    expect(receiver.accepted()).toHaveLength(2);
    expectNoSecrets(changed.stdout, changed.stderr, held.stdout, held.stderr, next.stdout, next.stderr);
  });
});
