import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseWatchlist, type Watchlist } from '../../shared/config';
import { type AlertPayload, type NotifyOptions, type OutboxRecord, verifySignature } from '../../shared/notify';
import { type DriftRunSummary, newRunId, runDrift, runTls, type TlsRunSummary } from '../../shared/runs';
import { CONTAINERS } from '../../shared/storage';
import { teamsMessageProblems } from '../support/adaptive-card';
import { type AlertReceiver, type ReceivedRequest, startAlertReceiver } from '../support/alert-receiver';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { ERROR_PAGE, noticeV1, noticeV2 } from '../support/sample-notices';
import { buildTestPki, type TestPki } from '../support/tls-certs';
import { type RunningServer, startTlsServer } from '../support/tls-servers';

/**
 * The promise of issue 11, end to end over real Azurite, a real notice server, real TLS servers and
 * two local receivers (a signed webhook and a Teams-shaped one): a changed notice, a failing check
 * and its recovery, and a TLS regression each reach each receiver exactly once, across retried
 * deliveries, duplicate runs and a receiver that is down for a run.
 */

const HOOK_SECRET = 'whsec-test-7f3a9c1e5b2d4680';
const HOOK_PATH = '/hooks/ops-3b1f0e9a7c5d2486';
const TEAMS_PATH = '/workflows/8c2e4a6f/triggers/manual/paths/invoke?api-version=1&sig=teams-sig-5e7d9b1a3c';

let storage: TestStorage;
let notices: NoticeServer;
let hook: AlertReceiver;
let teams: AlertReceiver;
let pki: TestPki;
let good: RunningServer;
let expired: RunningServer;
let tlsFront: SwitchingProxy;
let watchlist: Watchlist;
let notify: NotifyOptions;
const summaries: Array<DriftRunSummary | TlsRunSummary> = [];
let clock = Date.UTC(2026, 11, 1, 6, 0, 0);

/** A TCP front on a fixed port that forwards to whichever TLS server the test chooses: an endpoint that regresses. */
interface SwitchingProxy {
  readonly port: number;
  target: number;
  close(): Promise<void>;
}

async function startSwitchingProxy(target: number): Promise<SwitchingProxy> {
  const sockets = new Set<net.Socket>();
  const proxy: { target: number } = { target };
  const server = net.createServer((client) => {
    const upstream = net.connect(proxy.target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get target() {
      return proxy.target;
    },
    set target(value: number) {
      proxy.target = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A change after v2 that needs a person: a processor is added (high severity), so it alerts. */
const noticeV4 = () =>
  noticeV2().replace('analytics processor, Fabrikam.', 'analytics processors, Fabrikam and Mixpanel.');
/** A metadata-only change of v4: recorded, but no alert. */
const noticeV5 = () => noticeV4().replace('ms.date: 03/14/2026', 'ms.date: 05/02/2026');

function nextRun(): { runId: string; startedAt: Date } {
  clock += 60_000;
  const startedAt = new Date(clock);
  return { runId: newRunId(startedAt), startedAt };
}

async function drift(run = nextRun()): Promise<DriftRunSummary> {
  const summary = await runDrift(storage.store, watchlist.notices, {
    ...run,
    fetchOptions: { timeoutMs: 2_000 },
    notify,
  });
  summaries.push(summary);
  return summary;
}

async function tls(run = nextRun()): Promise<TlsRunSummary> {
  const summary = await runTls(storage.store, watchlist.endpoints, {
    ...run,
    tls: { allowPrivate: true, ca: pki.ca.certPem, timeoutMs: 2_000 },
    notify,
  });
  summaries.push(summary);
  return summary;
}

function payloads(requests: ReceivedRequest[]): AlertPayload[] {
  return requests.map((request) => JSON.parse(request.body) as AlertPayload);
}

/** What a receiver acted on, as kind:subject, with the Idempotency-Key of each. */
function acted(receiver: AlertReceiver): Array<{ kind: string; key: string }> {
  return receiver.accepted().map((request) => ({
    kind: String(request.headers['x-noticewatch-event']),
    key: String(request.headers['idempotency-key']),
  }));
}

function keysOf(receiver: AlertReceiver, kind: string): string[] {
  return acted(receiver)
    .filter((item) => item.kind === kind)
    .map((item) => item.key);
}

beforeAll(async () => {
  pki = buildTestPki();
  [storage, notices, hook, teams, good, expired] = await Promise.all([
    startTestStorage(),
    startNoticeServer(),
    startAlertReceiver(200),
    startAlertReceiver(202),
    startTlsServer(pki.good, { min: 'TLSv1.2', max: 'TLSv1.3' }),
    startTlsServer(pki.expired, { min: 'TLSv1.2', max: 'TLSv1.3' }),
  ]);
  tlsFront = await startSwitchingProxy(good.port);
  const parsed = parseWatchlist({
    notices: [{ id: 'contoso-notice', url: `${notices.origin}/contoso/privacy.md`, format: 'markdown' }],
    endpoints: [{ id: 'contoso-api', host: '127.0.0.1', port: tlsFront.port }],
    channels: [
      { id: 'ops-hook', kind: 'webhook', urlSetting: 'NW_HOOK_URL', secretSetting: 'NW_HOOK_SECRET' },
      { id: 'ops-teams', kind: 'teams', urlSetting: 'NW_TEAMS_URL' },
    ],
  });
  if (!parsed.ok || parsed.value.problems.length) throw new Error(JSON.stringify(parsed));
  watchlist = parsed.value;
  notify = {
    channels: watchlist.channels,
    env: { NW_HOOK_URL: hook.url(HOOK_PATH), NW_HOOK_SECRET: HOOK_SECRET, NW_TEAMS_URL: teams.url(TEAMS_PATH) },
    publicUrl: 'https://noticewatch.example.net',
    failingRunsToAlert: 3,
    delivery: { backoffMs: 50, maxBackoffMs: 200, timeoutMs: 2_000, attemptsPerRun: 3 },
  };
}, 60_000);

afterAll(async () => {
  await Promise.all([
    storage?.stop(),
    notices?.close(),
    hook?.close(),
    teams?.close(),
    good?.close(),
    expired?.close(),
    tlsFront?.close(),
  ]);
});

describe('alerts reach a webhook and a Teams receiver exactly once', () => {
  it('sends nothing for a baseline and a compliant endpoint', async () => {
    notices.setText('/contoso/privacy.md', noticeV1());
    const first = await drift();
    expect(first.notices[0].status).toBe('baseline');
    expect(first.notifications).toMatchObject({ recorded: 0, sent: 0, pending: 0, failed: 0 });
    const checked = await tls();
    expect(checked.endpoints[0].compliant).toBe(true);
    expect(hook.requests).toHaveLength(0);
    expect(teams.requests).toHaveLength(0);
  });

  it('delivers a changed notice once to each, retrying receivers that fail the first attempts', async () => {
    hook.failNext(2, 503);
    teams.failNext(1, 500);
    notices.setText('/contoso/privacy.md', noticeV2());
    const summary = await drift();
    expect(summary.notices[0]).toMatchObject({ status: 'changed', alert: true });
    expect(summary.notifications).toMatchObject({ recorded: 2, sent: 2, pending: 0, failed: 0 });
    const byChannel = Object.fromEntries(summary.notifications!.deliveries.map((item) => [item.channel, item]));
    expect(byChannel['ops-hook']).toMatchObject({
      kind: 'notice-changed',
      state: 'sent',
      attempts: 3,
      lastStatus: 200,
    });
    expect(byChannel['ops-teams']).toMatchObject({ state: 'sent', attempts: 2, lastStatus: 202 });
    // Three requests reached the webhook, all the same alert under the same key; it acted on one.
    expect(hook.requests.map((request) => request.status)).toEqual([503, 503, 200]);
    expect(new Set(hook.requests.map((request) => request.headers['idempotency-key'])).size).toBe(1);
    expect(keysOf(hook, 'notice-changed')).toEqual([`${summary.notices[0].report}#notice-changed`]);
    expect(keysOf(teams, 'notice-changed')).toHaveLength(1);
    // The payload says how much the change matters and which claims moved (v1 to v2: 90 to 180 days).
    const [sent] = payloads(hook.requests.filter((request) => request.status === 200));
    expect(sent.summary).toMatchObject({
      severity: 'medium',
      claimChanges: [{ claim: 'retention', change: 'changed', before: '90 days', after: '180 days' }],
    });
  });

  it('sends nothing again when the same run is retried, or two runs race over the next change', async () => {
    const before = { hook: hook.requests.length, teams: teams.requests.length };
    // A retried invocation: the same run id again.
    const last = summaries.at(-1) as DriftRunSummary;
    const retried = await drift({ runId: last.runId, startedAt: new Date(last.startedAt) });
    expect(retried.notices[0].status).toBe('changed');
    expect(retried.notifications).toMatchObject({ recorded: 0, sent: 0, pending: 0 });
    expect({ hook: hook.requests.length, teams: teams.requests.length }).toEqual(before);

    // Two timers fire at once over a new change, with receivers slow enough for their deliveries to overlap.
    hook.delayMs = 400;
    teams.delayMs = 400;
    notices.setText('/contoso/privacy.md', noticeV4());
    const [one, two] = await Promise.all([drift(), drift()]);
    hook.delayMs = 0;
    teams.delayMs = 0;
    expect([one.notices[0].status, two.notices[0].status].sort()).toEqual(['changed', 'unchanged']);
    expect(keysOf(hook, 'notice-changed')).toHaveLength(2);
    expect(keysOf(teams, 'notice-changed')).toHaveLength(2);
    expect(hook.requests.length - before.hook).toBe(1);
    expect(teams.requests.length - before.teams).toBe(1);

    // A metadata-only change is recorded (and in the feed) but is not new wording: no alert.
    notices.setText('/contoso/privacy.md', noticeV5());
    const metadataOnly = await drift();
    expect(metadataOnly.notices[0]).toMatchObject({ status: 'changed', alert: false });
    expect(metadataOnly.notifications).toMatchObject({ recorded: 0, sent: 0 });
  });

  it('holds a TLS regression for a receiver that is down, and delivers it once on the next run', async () => {
    tlsFront.target = expired.port;
    await hook.stop();
    const regressed = await tls();
    expect(regressed.endpoints[0].compliant).toBe(false);
    expect(regressed.endpoints[0].findings.map((finding) => finding.id)).toContain('CERT_EXPIRED');
    expect(regressed.notifications).toMatchObject({ recorded: 2, sent: 1, pending: 1, failed: 0 });
    const waiting = regressed.notifications!.deliveries.find((item) => item.channel === 'ops-hook');
    expect(waiting).toMatchObject({ kind: 'endpoint-noncompliant', state: 'pending', attempts: 3, lastStatus: null });
    expect(waiting?.lastError?.code).toBe('CHANNEL_UNREACHABLE');
    expect(keysOf(teams, 'endpoint-noncompliant')).toHaveLength(1);

    await hook.start();
    // The next run (a drift run here: any run delivers what is pending) sends it; the one after sends nothing.
    const next = await drift();
    expect(next.notifications).toMatchObject({ recorded: 0, sent: 1, pending: 0 });
    expect(next.notifications!.deliveries[0]).toMatchObject({ channel: 'ops-hook', state: 'sent', attempts: 4 });
    const still = await tls();
    expect(still.endpoints[0].compliant).toBe(false);
    expect(still.notifications).toMatchObject({ recorded: 0, sent: 0, pending: 0 });
    expect(keysOf(hook, 'endpoint-noncompliant')).toEqual([`${regressed.endpoints[0].report}#endpoint-noncompliant`]);
    expect(keysOf(teams, 'endpoint-noncompliant')).toHaveLength(1);

    tlsFront.target = good.port;
    const recovered = await tls();
    expect(recovered.endpoints[0].compliant).toBe(true);
    expect(keysOf(hook, 'endpoint-recovered')).toHaveLength(1);
    expect(keysOf(teams, 'endpoint-recovered')).toHaveLength(1);
  });

  it('opens one check-failing alert after 3 failing runs and one check-recovered at the first good run', async () => {
    notices.set('/contoso/privacy.md', (_request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('down');
    });
    const failing: DriftRunSummary[] = [];
    for (let run = 0; run < 4; run += 1) failing.push(await drift());
    expect(failing.map((summary) => summary.notices[0].status)).toEqual(['error', 'error', 'error', 'error']);
    expect(failing.map((summary) => summary.notifications?.recorded)).toEqual([0, 0, 2, 0]);
    expect(keysOf(hook, 'check-failing')).toEqual([`${failing[2].notices[0].report}#check-failing`]);
    expect(keysOf(teams, 'check-failing')).toHaveLength(1);

    notices.setText('/contoso/privacy.md', noticeV5());
    const back = await drift();
    expect(back.notices[0].status).toBe('unchanged');
    await drift();
    expect(keysOf(hook, 'check-recovered')).toEqual([`${back.notices[0].report}#check-recovered`]);
    expect(keysOf(teams, 'check-recovered')).toHaveLength(1);
  });

  it('sends one notice-held alert for a suspect body served in consecutive runs, and no change', async () => {
    notices.setText('/contoso/privacy.md', ERROR_PAGE);
    const held = [await drift(), await drift()];
    expect(held.map((summary) => summary.notices[0].error?.code)).toEqual(['SUSPECT_BODY', 'SUSPECT_BODY']);
    expect(held.map((summary) => summary.notifications?.recorded)).toEqual([2, 0]);
    expect(keysOf(hook, 'notice-held')).toEqual([`${held[0].notices[0].report}#notice-held`]);
    expect(keysOf(teams, 'notice-held')).toHaveLength(1);
    notices.setText('/contoso/privacy.md', noticeV5());
    expect((await drift()).notices[0].status).toBe('unchanged');
  });

  it('signed every webhook request validly, and every payload and Teams card is valid', () => {
    for (const request of hook.requests) {
      expect(request.path).toBe(HOOK_PATH);
      expect(
        verifySignature(
          HOOK_SECRET,
          request.headers['x-noticewatch-timestamp'] as string,
          request.body,
          request.headers['x-noticewatch-signature'] as string,
        ),
      ).toBe(true);
      // Someone without the secret cannot produce it, and a changed body fails.
      expect(
        verifySignature(
          'not-the-secret',
          request.headers['x-noticewatch-timestamp'] as string,
          request.body,
          request.headers['x-noticewatch-signature'] as string,
        ),
      ).toBe(false);
      expect(
        verifySignature(
          HOOK_SECRET,
          request.headers['x-noticewatch-timestamp'] as string,
          `${request.body} `,
          request.headers['x-noticewatch-signature'] as string,
        ),
      ).toBe(false);
    }
    const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
    addFormats(ajv);
    const validate = ajv.compile(
      JSON.parse(readFileSync(join(__dirname, '..', '..', 'content', 'schemas', 'alert-payload.schema.json'), 'utf8')),
    );
    for (const payload of payloads(hook.requests)) {
      expect(validate(payload), JSON.stringify(validate.errors)).toBe(true);
      expect(payload.links.report).toMatch(/^https:\/\/noticewatch\.example\.net\/api\/reports\//);
    }
    for (const request of teams.requests) {
      expect(request.headers['x-noticewatch-signature']).toBeUndefined();
      expect(teamsMessageProblems(JSON.parse(request.body))).toEqual([]);
    }
    // Each receiver acted on each alert exactly once.
    for (const receiver of [hook, teams]) {
      const keys = acted(receiver).map((item) => item.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(
        acted(receiver)
          .map((item) => item.kind)
          .sort(),
      ).toEqual([
        'check-failing',
        'check-recovered',
        'endpoint-noncompliant',
        'endpoint-recovered',
        'notice-changed',
        'notice-changed',
        'notice-held',
      ]);
    }
  });

  it('wrote no channel URL or secret into any blob or run summary', async () => {
    const secrets = [
      HOOK_SECRET,
      HOOK_PATH,
      'ops-3b1f0e9a7c5d2486',
      'teams-sig-5e7d9b1a3c',
      '8c2e4a6f',
      String(hook.url('')),
    ];
    const texts: string[] = summaries.map((summary) => JSON.stringify(summary));
    for (const container of Object.values(CONTAINERS)) {
      const names = await storage.store.list(container, '');
      if (!names.ok) throw new Error(names.problem.message);
      for (const name of names.value) {
        const blob = await storage.store.get(container, name);
        if (blob.ok && blob.value) texts.push(`${container}/${name}\n${blob.value.body.toString('utf8')}`);
      }
    }
    for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
    // The outbox kept what it sent, and every record ended sent.
    const outbox = await storage.store.list(CONTAINERS.state, 'outbox/');
    if (!outbox.ok) throw new Error(outbox.problem.message);
    expect(outbox.value).toHaveLength(14);
    for (const name of outbox.value) {
      const blob = await storage.store.get(CONTAINERS.state, name);
      const record = JSON.parse(blob.ok && blob.value ? blob.value.body.toString('utf8') : '{}') as OutboxRecord;
      expect(record.delivery.state).toBe('sent');
    }
  });
});
