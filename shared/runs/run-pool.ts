export interface PoolOptions<R> {
  /** Epoch ms after which nothing new is started. */
  readonly deadline?: number;
  /** Epoch ms after which work still in flight is abandoned (its result is not waited for). */
  readonly hardDeadline?: number;
  /** Checked before each start: true stops the pool starting anything more (a circuit breaker). */
  readonly shouldStop?: () => boolean;
  readonly now?: () => number;
  readonly onDone?: (result: R, done: number, total: number) => void;
  /** Turns an exception thrown by one item's work into that item's result, so one bug never sinks a run. */
  readonly onThrow: (error: unknown, index: number) => R;
}

export interface PoolOutcome<R> {
  readonly results: Array<R | undefined>;
  /** Indexes never started (deadline passed or the pool was stopped). */
  readonly notStarted: number[];
  /** Indexes started but abandoned at the hard deadline. */
  readonly abandoned: number[];
}

/**
 * Runs `work` over `items` with at most `concurrency` at once. Nothing new starts after the
 * deadline or once `shouldStop` says so, and nothing is waited for past the hard deadline, so a
 * run always ends in time and can name exactly what it did not complete.
 */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
  options: PoolOptions<R>,
): Promise<PoolOutcome<R>> {
  const now = options.now ?? Date.now;
  const results: Array<R | undefined> = new Array(items.length).fill(undefined);
  const notStarted: number[] = [];
  const inFlight = new Set<number>();
  let next = 0;
  let done = 0;
  let abandonedAll = false;

  const worker = async () => {
    while (next < items.length && !abandonedAll) {
      const index = next;
      next += 1;
      if ((options.deadline !== undefined && now() >= options.deadline) || options.shouldStop?.()) {
        notStarted.push(index);
        continue;
      }
      inFlight.add(index);
      let result: R;
      try {
        result = await work(items[index], index);
      } catch (error) {
        result = options.onThrow(error, index);
      }
      inFlight.delete(index);
      if (abandonedAll) return;
      results[index] = result;
      done += 1;
      options.onDone?.(result, done, items.length);
    }
  };
  const workers = Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  let timer: NodeJS.Timeout | undefined;
  const hardStop =
    options.hardDeadline === undefined
      ? new Promise<void>(() => undefined)
      : new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.max(0, options.hardDeadline! - now()));
        });
  try {
    await Promise.race([workers, hardStop]);
  } finally {
    clearTimeout(timer);
    abandonedAll = true;
  }
  const abandoned = [...inFlight].sort((a, b) => a - b);
  // Whatever the workers had not reached yet when the hard deadline struck was never started.
  for (let index = next; index < items.length; index += 1) notStarted.push(index);
  return { results, notStarted: notStarted.sort((a, b) => a - b), abandoned };
}
