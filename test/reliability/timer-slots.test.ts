import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeDriftTimerHandler } from '../../functions/drift-timer';
import { listReports } from '../../shared/reports';
import { claimSlot, readPointer, runDrift, scheduleSlot } from '../../shared/runs';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { fakeTimer } from '../support/fakes';
import { testContext, testDeps } from '../support/function-harness';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { recordFault } from '../support/reliability-tally';
import { noticeV1 } from '../support/sample-notices';

let storage: TestStorage;
let server: NoticeServer;
beforeAll(async () => {
  [storage, server] = await Promise.all([startTestStorage(), startNoticeServer()]);
});
afterAll(async () => {
  await Promise.all([storage?.stop(), server?.close()]);
});

describe('scheduleSlot', () => {
  it('maps an invocation to the latest occurrence at or before it', () => {
    const slot = (iso: string) => {
      const result = scheduleSlot('0 0 */6 * * *', new Date(iso));
      return result.ok ? result.value.toISOString() : result.problem.code;
    };
    expect(slot('2026-11-29T06:00:00.020Z')).toBe('2026-11-29T06:00:00.000Z');
    expect(slot('2026-11-29T05:59:59.500Z')).toBe('2026-11-29T06:00:00.000Z'); // fired a little early
    expect(slot('2026-11-29T11:59:00.000Z')).toBe('2026-11-29T06:00:00.000Z'); // very late: still one slot
    expect(slot('2026-11-29T12:00:01.000Z')).toBe('2026-11-29T12:00:00.000Z');
    const invalid = scheduleSlot('every six hours', new Date());
    expect(!invalid.ok && invalid.problem.code).toBe('SCHEDULE_INVALID');
  });
});

describe('driftTimer runs once per slot', () => {
  function deps(id: string, at: () => Date) {
    server.setText(`/${id}.md`, noticeV1());
    const base = testDeps(storage.store, { notices: [{ id, url: `${server.origin}/${id}.md`, format: 'markdown' }] });
    return { ...base, now: at };
  }

  async function reportsOf(id: string): Promise<string[]> {
    const names = await listReports(storage.store, 'drift/');
    return names.ok ? names.value.filter((name) => name.includes(`/${id}/`)) : [];
  }

  it('fires twice at once, then late for the same slot: one run, one report', async () => {
    const handler = makeDriftTimerHandler(deps('slot-twice', () => new Date('2026-11-29T06:00:00.100Z')));
    const first = testContext('driftTimer');
    const second = testContext('driftTimer');
    await Promise.all([handler(fakeTimer(), first.context), handler(fakeTimer(), second.context)]);
    const late = testContext('driftTimer');
    await makeDriftTimerHandler(deps('slot-twice', () => new Date('2026-11-29T09:30:00.000Z')))(
      fakeTimer(true),
      late.context,
    );

    expect(await reportsOf('slot-twice')).toEqual(['drift/2026/11/29/slot-twice/20261129T060000Z-drift.json']);
    const skipped = [...first.logs, ...second.logs, ...late.logs].filter((log) =>
      /already (ran|is running)/.test(log.message),
    );
    expect(skipped).toHaveLength(2);
    expect(late.logs.some((log) => log.level === 'warning' && log.message.includes('past due'))).toBe(true);

    // The next slot runs again.
    await makeDriftTimerHandler(deps('slot-twice', () => new Date('2026-11-29T12:00:00.050Z')))(
      fakeTimer(),
      testContext('driftTimer').context,
    );
    expect(await reportsOf('slot-twice')).toHaveLength(2);
    recordFault('timer fires twice or late for one slot');
  });

  it('takes over a slot whose run died, with the same run id, reporting nothing twice', async () => {
    const slot = new Date('2026-11-30T00:00:00.000Z');
    const claimedAt = new Date('2026-11-30T00:00:00.100Z');
    const handlerDeps = deps('slot-dead', () => claimedAt);
    // A run claimed the slot, checked the notice, and died before finishing the slot.
    const claim = await claimSlot(storage.store, 'drift', slot, claimedAt, 60_000);
    if (!claim.ok || claim.value.kind !== 'claimed') throw new Error('claim failed');
    const notice = (await handlerDeps.getWatchlist()).ok
      ? [{ id: 'slot-dead', url: `${server.origin}/slot-dead.md`, format: 'markdown' as const }]
      : [];
    await runDrift(storage.store, notice, { runId: claim.value.runId, startedAt: claimedAt });
    expect(await reportsOf('slot-dead')).toEqual(['drift/2026/11/30/slot-dead/20261130T000000Z-drift.json']);

    // Two minutes later the claim still looks alive: a duplicate fire does nothing.
    const early = testContext('driftTimer');
    await makeDriftTimerHandler({ ...handlerDeps, now: () => new Date(claimedAt.getTime() + 120_000) })(
      fakeTimer(true),
      early.context,
    );
    expect(early.logs.some((log) => /already is running/.test(log.message))).toBe(true);

    // Long after the budget, the claim is stale: the slot is taken over with the same run id.
    const { context, logs } = testContext('driftTimer');
    await makeDriftTimerHandler({ ...handlerDeps, now: () => new Date(claimedAt.getTime() + 3_600_000) })(
      fakeTimer(true),
      context,
    );
    expect(logs.some((log) => /drift run 20261130T000000Z-drift/.test(log.message))).toBe(true);
    expect(await reportsOf('slot-dead')).toEqual(['drift/2026/11/30/slot-dead/20261130T000000Z-drift.json']);
    const pointer = await readPointer(storage.store, 'slot-dead');
    expect(pointer.ok && pointer.value.pointer?.lastGood?.runId).toBe('20261130T000000Z-drift');
    recordFault('timer run dies and its slot is taken over');
  });
});
