import { describe, expect, it } from 'vitest';

import { runPool } from '../../shared/common/pool';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runPool', () => {
  it('keeps input order, reports progress as (result, done, total), and turns a throw into a result', async () => {
    const progress: Array<[string, number, number]> = [];
    const outcome = await runPool(
      [30, 10, 20],
      async (ms, index) => {
        await sleep(ms);
        if (index === 2) throw new Error('boom');
        return `item ${index}`;
      },
      {
        concurrency: 3,
        now: Date.now,
        onThrow: (error, _item, index) => `item ${index} failed: ${(error as Error).message}`,
        onDone: (result, done, total) => progress.push([result, done, total]),
      },
    );
    expect(outcome.results).toEqual(['item 0', 'item 1', 'item 2 failed: boom']);
    expect(progress).toEqual([
      ['item 1', 1, 3],
      ['item 2 failed: boom', 2, 3],
      ['item 0', 3, 3],
    ]);
    expect(outcome).toMatchObject({ notStarted: [], abandoned: [] });
  });

  it('starts nothing after the deadline, abandons what is in flight at the hard deadline and aborts its signal', async () => {
    const start = Date.now();
    const signals: AbortSignal[] = [];
    const outcome = await runPool(
      ['quick', 'hangs', 'late', 'later'],
      async (item, _index, signal) => {
        signals.push(signal);
        if (item === 'hangs') await new Promise(() => undefined);
        await sleep(item === 'quick' ? 5 : 250);
        return item;
      },
      { concurrency: 2, deadline: start + 150, hardDeadline: start + 600, now: Date.now, onThrow: () => 'thrown' },
    );
    // quick finishes, late starts before the deadline and finishes, later would start after it.
    expect(outcome.results).toEqual(['quick', undefined, 'late', undefined]);
    expect(outcome.notStarted).toEqual([3]);
    expect(outcome.abandoned).toEqual([1]);
    expect(signals[1].aborted).toBe(true);
    expect(Date.now() - start).toBeLessThan(1_500);
  });
});
