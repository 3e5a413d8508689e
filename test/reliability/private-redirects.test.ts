import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { NoticeConfig } from '../../shared/config';
import type { FetchOptions } from '../../shared/notices';
import { readLatest, readReport } from '../../shared/reports';
import { newRunId, runDrift } from '../../shared/runs';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { type ConnectionObserver, observeConnections } from '../support/connection-observer';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { recordHostileInput } from '../support/reliability-tally';
import { noticeV1 } from '../support/sample-notices';
import {
  blobsOf,
  check,
  expectNothingMoved,
  pointerOf,
  reportsOf,
  stateOf,
  watchForCrashes,
} from './helpers/drift-harness';

/**
 * A compromised publisher answers `302 Location:` into the operator's network. Through the real
 * pipeline against Azurite: none of those addresses is contacted (the connection layer is watched, and
 * listeners on 127.0.0.2 and a second loopback port would serve "internal" text), and nothing from
 * them is stored: no baseline, no suspect counted towards acceptance, no validators sent back.
 */

const INTERNAL_TEXT = '# Internal secret\n\nThe metadata token is s3cr3t.\n';
const FAST: FetchOptions = { timeoutMs: 1_500, retries: 0, retryBackoffMs: 10 };

interface Listener {
  readonly port: number;
  readonly requests: string[];
  close(): Promise<void>;
}

async function internalListener(host: string): Promise<Listener> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '/');
    res
      .writeHead(200, {
        'content-type': 'text/markdown',
        etag: '"internal"',
        'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT',
      })
      .end(INTERNAL_TEXT);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let storage: TestStorage;
let server: NoticeServer;
let second: Listener;
let sidecar: Listener;
let observer: ConnectionObserver;
const crashes = watchForCrashes();

beforeAll(async () => {
  [storage, server, second, sidecar] = await Promise.all([
    startTestStorage(),
    startNoticeServer(),
    internalListener('127.0.0.2'),
    internalListener('127.0.0.1'),
  ]);
  observer = observeConnections();
});
afterAll(async () => {
  observer?.stop();
  crashes.stop();
  await Promise.all([storage?.stop(), server?.close(), second?.close(), sidecar?.close()]);
});

/** The list, each with the connection-layer address that must never be tried. */
function targets(): Array<{ name: string; location: string; address: string }> {
  return [
    { name: '10.x', location: 'http://10.0.0.1/privacy.md', address: '10.0.0.1' },
    { name: '127.0.0.2', location: `http://127.0.0.2:${second.port}/privacy.md`, address: '127.0.0.2' },
    {
      name: 'localhost',
      location: `http://localhost:${sidecar.port}/privacy.md`,
      address: `127.0.0.1:${sidecar.port}`,
    },
    { name: 'metadata', location: 'http://169.254.169.254/metadata/instance', address: '169.254.169.254' },
    { name: 'wireserver', location: 'http://168.63.129.16/machine?comp=goalstate', address: '168.63.129.16' },
    { name: 'decimal', location: `http://2130706433:${sidecar.port}/privacy.md`, address: `127.0.0.1:${sidecar.port}` },
    {
      name: 'mapped',
      location: `http://[::ffff:127.0.0.2]:${second.port}/privacy.md`,
      address: `::ffff:127.0.0.2:${second.port}`,
    },
  ];
}

function redirectingNotice(id: string, location: string): NoticeConfig {
  const path = `/${id}/privacy.md`;
  server.set(path, (_req, res) => res.writeHead(302, { location }).end());
  return { id, url: `${server.origin}${path}`, format: 'markdown' };
}

function expectNotContacted(): void {
  for (const target of targets()) expect(observer.touched(target.address), target.name).toEqual([]);
  expect(second.requests).toEqual([]);
  expect(sidecar.requests).toEqual([]);
}

describe('a watched notice that redirects into internal addresses', () => {
  it('a new notice: a run refuses each redirect (FETCH_ADDRESS_FORBIDDEN), contacts none, stores nothing from them', async () => {
    const notices = targets().map((target) => redirectingNotice(`internal-new-${target.name}`, target.location));
    const startedAt = new Date(Date.UTC(2026, 11, 1, 5, 0, 0));
    const summary = await runDrift(storage.store, notices, {
      runId: newRunId(startedAt, 'internal'),
      startedAt,
      fetchOptions: FAST,
    });

    expect(summary.counts).toMatchObject({ error: notices.length, baseline: 0, changed: 0 });
    expect(summary.notReached).toEqual([]);
    for (const result of summary.notices) {
      expect(result.error?.code, result.id).toBe('FETCH_ADDRESS_FORBIDDEN');
      expect(await pointerOf(storage.store, result.id)).toBeNull();
      expect(await blobsOf(storage.store, result.id)).toEqual([]);
      const report = await readReport(storage.store, result.report ?? '');
      expect(JSON.stringify(report)).not.toContain('s3cr3t');
    }
    const latest = await readLatest(storage.store);
    expect(latest.ok && JSON.stringify(latest.value)).not.toContain('s3cr3t');
    expectNotContacted();
    recordHostileInput('redirects into internal addresses: new notice');
  });

  it("an existing notice: three runs in a row are refused, never accepted as a change, and its validators stay the publisher's", async () => {
    for (const target of targets()) {
      const id = `internal-known-${target.name}`;
      const path = `/${id}/privacy.md`;
      const notice: NoticeConfig = { id, url: `${server.origin}${path}`, format: 'markdown' };
      server.setText(path, noticeV1(), { etag: '"publisher-v1"' });
      const baseline = await check(storage.store, notice, FAST);
      expect(baseline.status, JSON.stringify(baseline.error)).toBe('baseline');
      const before = await stateOf(storage.store, id);

      server.set(path, (_req, res) => res.writeHead(302, { location: target.location }).end());
      for (let run = 1; run <= 3; run += 1) {
        const refused = await check(storage.store, notice, FAST);
        expect(refused.error?.code, `${target.name} run ${run}`).toBe('FETCH_ADDRESS_FORBIDDEN');
        await expectNothingMoved(storage.store, id, before, refused);
        const pointer = await pointerOf(storage.store, id);
        expect(pointer?.suspect ?? null).toBeNull();
        expect(pointer?.lastGood).toMatchObject({ etag: '"publisher-v1"' });
      }

      // The publisher recovers: its own validators are the ones sent back, and the text is unchanged.
      server.setText(path, noticeV1(), { etag: '"publisher-v1"' });
      const recovered = await check(storage.store, notice, FAST);
      expect(recovered.status).toBe('unchanged');
      const lastAsked = server.requests.filter((request) => request.path === path).at(-1);
      expect(lastAsked?.headers['if-none-match']).toBe('"publisher-v1"');
      const reports = await reportsOf(storage.store, id);
      expect(reports.filter((report) => report.status === 'changed')).toEqual([]);
      expect(JSON.stringify(reports)).not.toContain('s3cr3t');
    }
    expect(server.requests.some((request) => request.headers['if-none-match'] === '"internal"')).toBe(false);
    expectNotContacted();
    recordHostileInput('redirects into internal addresses: known notice');
  });

  it('with allowPrivateRedirects an intranet redirect is followed, and metadata addresses stay refused', async () => {
    const intranet = {
      ...redirectingNotice('intranet-hop', `http://127.0.0.2:${second.port}/intranet/privacy.md`),
      allowPrivateRedirects: true,
    };
    const metadata = {
      ...redirectingNotice('intranet-metadata', 'http://169.254.169.254/metadata/instance'),
      allowPrivateRedirects: true,
    };
    const followed = await check(storage.store, intranet, FAST);
    expect(followed.status, JSON.stringify(followed.error)).toBe('baseline');
    expect(second.requests).toEqual(['/intranet/privacy.md']);
    const refused = await check(storage.store, metadata, FAST);
    expect(refused.error?.code).toBe('FETCH_ADDRESS_FORBIDDEN');
    expect(observer.touched('169.254.169.254')).toEqual([]);
    second.requests.length = 0;
  });

  it('crashed nothing', () => {
    expect(crashes.seen).toEqual([]);
  });
});
