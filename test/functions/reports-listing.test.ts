import { HttpRequest } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeReportsHttpHandler, MAX_LISTED_NAMES } from '../../functions/reports-http';
import { runPool } from '../../shared/common/pool';
import {
  connectionStringFor,
  CONTAINERS,
  MemoryObjectStore,
  type ObjectStore,
  storeFromConnectionString,
} from '../../shared/storage';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { testContext, testDeps } from '../support/function-harness';
import { startStorageProxy, type StorageProxy } from '../support/storage-proxy';

/**
 * GET /api/reports?prefix= against a real Azurite holding many reports: one storage request per call,
 * asking for one page only, and a continuation token that walks the rest without gaps or repeats.
 * Storage requests are counted on a proxy in front of Azurite.
 */

const PREFIX = 'drift/2026/11/30/';
/** Enough for several pages at a small limit; seeding Azurite is the slow part of this file. */
const REPORTS = 600;
const WALK_LIMIT = 250;

let storage: TestStorage;
let proxy: StorageProxy;
let viaProxy: ObjectStore;
let seen: string[] = [];
const names = Array.from(
  { length: REPORTS },
  (_, index) => `${PREFIX}notice-${String(index % 12).padStart(2, '0')}/run-${String(index).padStart(5, '0')}.json`,
).sort();

beforeAll(async () => {
  storage = await startTestStorage();
  proxy = await startStorageProxy(storage.azurite.blobEndpoint);
  proxy.setFault((_index, request) => {
    seen.push(request.url ?? '');
    return 'pass';
  });
  const store = storeFromConnectionString(connectionStringFor(proxy.blobEndpoint), {
    maxTries: 1,
    tryTimeoutMs: 10_000,
    retryDelayMs: 10,
    maxRetryDelayMs: 10,
  });
  if (!store.ok) throw new Error(store.problem.message);
  viaProxy = store.value;
  // Seeded straight into Azurite, so the proxy sees only what the listings ask for.
  const seeded = await runPool(
    names,
    async (name) => {
      const written = await storage.store.create(CONTAINERS.reports, name, '{}', 'application/json');
      return written.ok ? null : written.problem.message;
    },
    { concurrency: 32, now: Date.now, onThrow: (error) => String(error) },
  );
  const failures = seeded.results.filter((failure) => failure !== null);
  if (failures.length) throw new Error(failures[0]);
  await storage.store.create(CONTAINERS.reports, 'drift/2026/12/01/other/run.json', '{}', 'application/json');
  // The container check happens once per store; get it out of the way of the counts.
  await viaProxy.get(CONTAINERS.reports, 'none.json');
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await storage?.stop();
});

interface Listing {
  prefix: string;
  names: string[];
  truncated: boolean;
  continuation: string | null;
}

async function list(query: string, store: ObjectStore = viaProxy) {
  seen = [];
  const request = new HttpRequest({ method: 'GET', url: `http://localhost/api/reports?${query}` });
  const response = await makeReportsHttpHandler(testDeps(store, { notices: [] }))(
    request,
    testContext('reportsList').context,
  );
  return { response, body: response.jsonBody as Listing, storageRequests: [...seen] };
}

describe('GET /api/reports?prefix= over many reports', () => {
  it('asks storage for one page of at most the limit, and walks the rest with continuation', async () => {
    const collected: string[] = [];
    let continuation: string | null = null;
    let pages = 0;
    do {
      const query: string = `prefix=${PREFIX}&limit=${WALK_LIMIT}${continuation ? `&continuation=${continuation}` : ''}`;
      const { response, body, storageRequests } = await list(query);
      expect(response.status).toBe(200);
      pages += 1;
      expect(body.names.length).toBeLessThanOrEqual(WALK_LIMIT);
      expect(body.truncated).toBe(body.continuation !== null);
      // One List Blobs request per call, asking for no more than one page.
      expect(storageRequests).toHaveLength(1);
      expect(storageRequests[0]).toContain('comp=list');
      expect(new URL(storageRequests[0], 'http://x').searchParams.get('maxresults')).toBe(String(WALK_LIMIT));
      collected.push(...body.names);
      continuation = body.continuation;
    } while (continuation !== null && pages < 10);
    expect(pages).toBe(Math.ceil(REPORTS / WALK_LIMIT));
    expect(collected).toEqual(names);
  });

  it('without a limit asks for one page of MAX_LISTED_NAMES', async () => {
    const { body, storageRequests } = await list(`prefix=${PREFIX}`);
    expect(body).toEqual({ prefix: PREFIX, names, truncated: false, continuation: null });
    expect(storageRequests).toHaveLength(1);
    expect(new URL(storageRequests[0], 'http://x').searchParams.get('maxresults')).toBe(String(MAX_LISTED_NAMES));
  });

  it('honours a smaller limit', async () => {
    // 50 reports under this notice: pages of 20, 20 and 10.
    const first = await list(`prefix=${PREFIX}notice-07/&limit=20`);
    expect(first.body.names).toEqual(names.filter((name) => name.startsWith(`${PREFIX}notice-07/`)).slice(0, 20));
    expect(new URL(first.storageRequests[0], 'http://x').searchParams.get('maxresults')).toBe('20');
    const second = await list(`prefix=${PREFIX}notice-07/&limit=20&continuation=${first.body.continuation}`);
    expect(second.body.names).toEqual(names.filter((name) => name.startsWith(`${PREFIX}notice-07/`)).slice(20, 40));
    const last = await list(`prefix=${PREFIX}notice-07/&limit=20&continuation=${second.body.continuation}`);
    expect(last.body.names).toEqual(names.filter((name) => name.startsWith(`${PREFIX}notice-07/`)).slice(40));
    expect(last.body).toMatchObject({ truncated: false, continuation: null });
  });

  it('refuses a malformed limit or continuation with 400, before asking storage', async () => {
    for (const query of [
      `prefix=${PREFIX}&limit=0`,
      `prefix=${PREFIX}&limit=1001`,
      `prefix=${PREFIX}&limit=ten`,
      `prefix=${PREFIX}&continuation=not%20a%20token`,
      `prefix=${PREFIX}&continuation=${'A'.repeat(3000)}`,
    ]) {
      const { response, storageRequests } = await list(query);
      expect(response.status, query).toBe(400);
      expect((response.jsonBody as { error: { code: string } }).error.code).toMatch(/^(LIMIT|CONTINUATION)_INVALID$/);
      expect(storageRequests).toEqual([]);
    }
  });

  it('the in-memory store pages the same way', async () => {
    const memory = new MemoryObjectStore();
    for (const name of names.slice(0, 45)) await memory.create(CONTAINERS.reports, name, '{}');
    const collected: string[] = [];
    let continuation: string | null = null;
    do {
      const query: string = `prefix=${PREFIX}&limit=20${continuation ? `&continuation=${continuation}` : ''}`;
      const { body } = await list(query, memory);
      expect(body.names.length).toBeLessThanOrEqual(20);
      collected.push(...body.names);
      continuation = body.continuation;
    } while (continuation !== null);
    expect(collected).toEqual(names.slice(0, 45));
  });
});
