import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MemoryObjectStore, type ObjectStore, storeFromConnectionString, swapJson } from '../../shared/storage';
import { startTestStorage, type TestStorage } from '../support/azurite';

let azurite: TestStorage;
beforeAll(async () => {
  azurite = await startTestStorage();
});
afterAll(async () => {
  await azurite?.stop();
});

// The same contract for every adapter: the pipeline relies on exactly these guarantees.
describe.each([
  ['Azurite', () => azurite.store],
  ['memory', () => new MemoryObjectStore() as ObjectStore],
])('ObjectStore contract (%s)', (_name, makeStore) => {
  it('create never overwrites', async () => {
    const store = makeStore();
    expect(await store.create('snapshots', 'a/one.md', 'first', 'text/markdown')).toEqual({
      ok: true,
      value: 'created',
    });
    expect(await store.create('snapshots', 'a/one.md', 'second', 'text/markdown')).toEqual({
      ok: true,
      value: 'exists',
    });
    const read = await store.get('snapshots', 'a/one.md');
    expect(read.ok && read.value?.body.toString()).toBe('first');
  });

  it('swap is compare-and-swap on the etag', async () => {
    const store = makeStore();
    const created = await store.swap('state', 'p.json', 'v1', 'application/json', null);
    expect(created.ok && created.value !== 'conflict').toBe(true);
    expect(await store.swap('state', 'p.json', 'again', 'application/json', null)).toEqual({
      ok: true,
      value: 'conflict',
    });
    const current = await store.get('state', 'p.json');
    const etag = current.ok && current.value ? current.value.etag : '';
    expect((await store.swap('state', 'p.json', 'v2', 'application/json', etag)).ok).toBe(true);
    expect(await store.swap('state', 'p.json', 'v3', 'application/json', etag)).toEqual({
      ok: true,
      value: 'conflict',
    });
    const final = await store.get('state', 'p.json');
    expect(final.ok && final.value?.body.toString()).toBe('v2');
  });

  it('get of a missing object is null, list is sorted by prefix', async () => {
    const store = makeStore();
    expect(await store.get('reports', 'nothing-here.json')).toEqual({ ok: true, value: null });
    for (const name of ['drift/2026/11/02/x.json', 'drift/2026/11/01/x.json', 'runs/2026/11/01/r.json'])
      await store.create('reports', name, '{}', 'application/json');
    const listed = await store.list('reports', 'drift/2026/11/');
    expect(listed.ok && listed.value.filter((name) => name.endsWith('/x.json'))).toEqual([
      'drift/2026/11/01/x.json',
      'drift/2026/11/02/x.json',
    ]);
  });

  it('swapJson loses no update under concurrent writers', async () => {
    const store = makeStore();
    await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        swapJson<{ seen: number[] }>(
          store,
          'state',
          'counter.json',
          (current) => ({ seen: [...(current?.seen ?? []), index] }),
          50,
        ),
      ),
    );
    const read = await store.get('state', 'counter.json');
    const seen = read.ok && read.value ? (JSON.parse(read.value.body.toString()) as { seen: number[] }).seen : [];
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('Azure adapter failures', () => {
  it('reports an unreachable account clearly, without the key', async () => {
    const dead = storeFromConnectionString(
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0LWtleS1ub3QtZm9yLWxvZ3M=;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;',
      { maxTries: 1, tryTimeoutMs: 2_000, retryDelayMs: 10, maxRetryDelayMs: 10 },
    );
    expect(dead.ok).toBe(true);
    if (!dead.ok) return;
    const started = Date.now();
    const read = await dead.value.get('state', 'x.json');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.problem.code).toBe('STORAGE_ERROR');
    expect(read.problem.message).toContain('127.0.0.1:9');
    expect(read.problem.message).not.toContain('c2VjcmV0LWtleS1ub3QtZm9yLWxvZ3M');
  });

  it('rejects a malformed connection string without quoting it', () => {
    const bad = storeFromConnectionString('AccountKey=c2VjcmV0;nonsense');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problem.message).not.toContain('c2VjcmV0');
  });
});
