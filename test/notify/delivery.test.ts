import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { ChannelConfig } from '../../shared/config';
import { channelRedactor, DEFAULT_DELIVERY, type DeliveryTuning, sampleAlert } from '../../shared/notify';
import { deliverPending, type DeliveryContext } from '../../shared/notify/deliver';
import { addPending, createRecord, newDelivery, readPending, readRecord } from '../../shared/notify/outbox';
import { MemoryObjectStore, outboxName } from '../../shared/storage';
import { type AlertReceiver, startAlertReceiver } from '../support/alert-receiver';

/**
 * Delivery of outbox records on their own: claims, retries, the slow and the absent receiver,
 * and what is given up. The end-to-end test covers the same through real runs.
 */

const SECRET = 'delivery-test-secret-42';
let receiver: AlertReceiver;
let store: MemoryObjectStore;
let env: NodeJS.ProcessEnv;
const channels: ChannelConfig[] = [
  { id: 'hook', kind: 'webhook', urlSetting: 'HOOK_URL', secretSetting: 'HOOK_SECRET' },
  { id: 'unset', kind: 'webhook', urlSetting: 'UNSET_URL' },
];
let serial = 0;

beforeAll(async () => {
  receiver = await startAlertReceiver();
  env = { HOOK_URL: receiver.url('/path-secret-9d8c'), HOOK_SECRET: SECRET };
});
afterAll(() => receiver?.close());
beforeEach(() => {
  store = new MemoryObjectStore();
  receiver.reset();
});

async function pendingRecord(channel = 'hook', createdAt = new Date()): Promise<string> {
  serial += 1;
  const payload = sampleAlert(new Date(Date.UTC(2026, 11, 1, 6, 0, serial)), undefined);
  const name = outboxName(payload.report, payload.kind, channel);
  const created = await createRecord(store, {
    schemaVersion: 1,
    name,
    key: payload.id,
    channel,
    kind: payload.kind,
    report: payload.report,
    createdAt: createdAt.toISOString(),
    createdByRun: 'test',
    payload,
    delivery: newDelivery(),
  });
  expect(created).toEqual({ ok: true, value: 'created' });
  await addPending(store, [name], new Date().toISOString());
  return name;
}

function context(owner: string, tuning: Partial<DeliveryTuning> = {}): DeliveryContext {
  return {
    store,
    channels,
    env,
    owner,
    now: () => new Date(),
    tuning: { ...DEFAULT_DELIVERY, backoffMs: 20, maxBackoffMs: 50, timeoutMs: 1_000, ...tuning },
    redact: channelRedactor(channels, env),
  };
}

async function stateOf(name: string) {
  const read = await readRecord(store, name);
  if (!read.ok || !read.value) throw new Error(`record ${name} unreadable`);
  return read.value.value.delivery;
}

describe('delivering the outbox', () => {
  it('sends a record once when two runs deliver it at the same time', async () => {
    const name = await pendingRecord();
    receiver.delayMs = 300;
    const [one, two] = await Promise.all([deliverPending(context('run-a')), deliverPending(context('run-b'))]);
    expect(receiver.requests).toHaveLength(1);
    expect((await stateOf(name)).state).toBe('sent');
    // One run sent it; the other saw the live claim (or the sent record) and left it alone.
    const states = [...one.deliveries, ...two.deliveries].map((item) => item.state).sort();
    expect(states).toContain('sent');
    expect(await readPending(store)).toEqual({ ok: true, value: [] });
  });

  it('retries a receiver slower than the timeout with the same Idempotency-Key, then keeps it pending', async () => {
    const name = await pendingRecord();
    receiver.delayMs = 400;
    const result = await deliverPending(context('run-a', { timeoutMs: 150, attemptsPerRun: 2 }));
    expect(result.deliveries[0]).toMatchObject({ state: 'pending', attempts: 2, lastStatus: null });
    expect(result.deliveries[0].lastError?.code).toBe('CHANNEL_TIMEOUT');
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The receiver did get both (it was only slow): the shared key is what lets it act once.
    expect(new Set(receiver.requests.map((request) => request.headers['idempotency-key'])).size).toBe(1);
    expect(await readPending(store)).toEqual({ ok: true, value: [name] });
    receiver.delayMs = 0;
    const next = await deliverPending(context('run-b'));
    expect(next.deliveries[0]).toMatchObject({ state: 'sent', attempts: 3, lastStatus: 200 });
  });

  it('does not retry a 4xx in the same run, and gives up after the attempts allowed in all', async () => {
    const name = await pendingRecord();
    receiver.failNext(10, 404);
    const first = await deliverPending(context('run-a', { maxAttempts: 2 }));
    expect(first.deliveries[0]).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 404 });
    expect(first.deliveries[0].lastError?.message).toContain('HTTP 404');
    const second = await deliverPending(context('run-b', { maxAttempts: 2 }));
    expect(second.deliveries[0]).toMatchObject({ state: 'failed', attempts: 2 });
    expect(await readPending(store)).toEqual({ ok: true, value: [] });
    expect((await stateOf(name)).state).toBe('failed');
    receiver.reset();
    await deliverPending(context('run-c'));
    expect(receiver.requests).toHaveLength(0);
  });

  it('keeps a record pending while its URL setting is missing, naming the setting and never a URL', async () => {
    await pendingRecord('unset');
    const result = await deliverPending(context('run-a'));
    expect(result.deliveries[0]).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null });
    expect(result.deliveries[0].lastError).toEqual({
      code: 'CHANNEL_URL_REQUIRED',
      message: expect.stringContaining('UNSET_URL'),
    });
  });

  it('gives up a record whose channel left the watchlist, and one too old to matter', async () => {
    await pendingRecord('removed-channel');
    await pendingRecord('hook', new Date(Date.now() - 8 * 24 * 3600_000));
    const result = await deliverPending(context('run-a'));
    expect(result.deliveries.map((item) => [item.state, item.lastError?.code]).sort()).toEqual([
      ['failed', 'CHANNEL_NOT_CONFIGURED'],
      ['failed', 'DELIVERY_EXPIRED'],
    ]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('takes over a claim whose run died (its lease ran out) and sends it', async () => {
    const name = await pendingRecord();
    const read = await readRecord(store, name);
    if (!read.ok || !read.value) throw new Error('unreadable');
    const stale = {
      ...read.value.value,
      delivery: {
        ...read.value.value.delivery,
        state: 'sending' as const,
        attempts: 1,
        lease: { owner: 'dead', until: new Date(Date.now() - 1000).toISOString() },
      },
    };
    await store.swap('state', name, JSON.stringify(stale), 'application/json', read.value.etag);
    const result = await deliverPending(context('run-b'));
    expect(result.deliveries[0]).toMatchObject({ state: 'sent', attempts: 2 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('says what went wrong without the URL when a receiver is gone', async () => {
    await pendingRecord();
    await receiver.stop();
    try {
      const result = await deliverPending(context('run-a', { attemptsPerRun: 1 }));
      expect(result.deliveries[0].lastError?.code).toBe('CHANNEL_UNREACHABLE');
      const text = JSON.stringify(result);
      expect(text).not.toContain('path-secret-9d8c');
      expect(text).not.toContain(String(env.HOOK_URL));
      expect(text).not.toContain(SECRET);
    } finally {
      await receiver.start();
    }
  });
});
