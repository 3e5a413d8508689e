import { type Progress, runPool } from '../common/pool';
import type { Problem } from '../common/result';
import { abandonTime } from './by-deadline';
import { DEFAULT_CONCURRENCY, type RunOptions } from './run-options';

export interface ItemsOutcome<R> {
  /** Results of the items completed, in input order. */
  readonly results: R[];
  readonly notReached: string[];
  readonly abandoned: string[];
  /** RUN_DEADLINE when items were abandoned at the hard deadline. */
  readonly problems: Problem[];
}

export interface ItemHooks<T, R> {
  /** A defect in one item's work becomes that item's result. */
  readonly onThrow: (error: unknown, item: T) => R;
  /** Called as each item completes, before the run's own onProgress would be. */
  readonly onDone: Progress<R>;
  readonly shouldStop?: () => boolean;
}

/**
 * Runs many items of anything (notices, endpoints) with a run's timing: nothing new starts after
 * `deadline`; items still in flight a closing reserve before `hardDeadline` are abandoned and their
 * work cancelled, so the run's closing writes still fit before it returns.
 */
export async function runItems<T extends { readonly id: string }, R>(
  items: readonly T[],
  work: (item: T, signal: AbortSignal) => Promise<R>,
  options: Pick<RunOptions<R>, 'deadline' | 'hardDeadline' | 'concurrency' | 'now'>,
  hooks: ItemHooks<T, R>,
): Promise<ItemsOutcome<R>> {
  const now = options.now ?? (() => new Date());
  const startMs = now().getTime();
  const abandonAt = abandonTime(startMs, options.hardDeadline);
  const pool = await runPool(items, (item, _index, signal) => work(item, signal), {
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    deadline: options.deadline,
    hardDeadline: abandonAt,
    now: () => now().getTime(),
    shouldStop: hooks.shouldStop,
    onThrow: (error, item) => hooks.onThrow(error, item),
    onDone: hooks.onDone,
  });
  const idsOf = (indexes: number[]) => indexes.map((index) => items[index].id);
  const abandoned = idsOf(pool.abandoned);
  const problems: Problem[] = abandoned.length
    ? [
        {
          code: 'RUN_DEADLINE',
          message: `${abandoned.length} check(s) were still running at the run's hard deadline and were abandoned: ${abandoned.join(', ')}.`,
        },
      ]
    : [];
  return {
    results: pool.results.filter((result): result is R => result !== undefined),
    notReached: idsOf([...pool.notStarted, ...pool.abandoned].sort((a, b) => a - b)),
    abandoned,
    problems,
  };
}
