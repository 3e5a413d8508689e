import { describe, expect, it } from 'vitest';

import { readSettings } from '../../shared/config';
import { runOncePerSlot, type SlotRunRequest } from '../../shared/runs';
import { MemoryObjectStore } from '../../shared/storage';

describe('runOncePerSlot', () => {
  const request = (store: MemoryObjectStore, at: string, timeZone = 'UTC'): SlotRunRequest => ({
    store,
    kind: 'drift',
    schedule: '0 0 */6 * * *',
    timeZone,
    runBudgetMs: 60_000,
    now: () => new Date(at),
  });

  it('runs the work once for a slot, with a run id derived from the slot', async () => {
    const store = new MemoryObjectStore();
    const runs: string[] = [];
    const work = async (runId: string) => {
      runs.push(runId);
      return runId;
    };
    const first = await runOncePerSlot(request(store, '2026-11-29T06:00:00.100Z'), work);
    const again = await runOncePerSlot(request(store, '2026-11-29T07:00:00.000Z'), work);
    expect(first.ok && first.value).toMatchObject({ kind: 'ran', runId: '20261129T060000Z-drift', problems: [] });
    expect(again.ok && again.value).toMatchObject({ kind: 'skipped', because: 'finished' });
    expect(runs).toEqual(['20261129T060000Z-drift']);
  });

  it('reads the schedule in the configured time zone', async () => {
    const ran = await runOncePerSlot(
      request(new MemoryObjectStore(), '2026-11-29T06:00:00.100Z', 'Europe/Paris'),
      async (runId) => runId,
    );
    // 07:00 in Paris: the latest six-hour occurrence there is 06:00 local, 05:00 UTC.
    expect(ran.ok && ran.value.slot.toISOString()).toBe('2026-11-29T05:00:00.000Z');
    expect(readSettings({ WEBSITE_TIME_ZONE: 'Europe/Paris' }).timeZone).toBe('Europe/Paris');
    expect(readSettings({}).timeZone).toBe('UTC');
  });

  it('refuses an invalid schedule before claiming anything', async () => {
    const store = new MemoryObjectStore();
    const outcome = await runOncePerSlot(
      { ...request(store, '2026-11-29T06:00:00Z'), schedule: 'hourly' },
      async () => 1,
    );
    expect(!outcome.ok && outcome.problem.code).toBe('SCHEDULE_INVALID');
    const claims = await store.list('state', 'slots/');
    expect(claims.ok && claims.value).toEqual([]);
  });
});
