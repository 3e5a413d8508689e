import { setMaxListeners } from 'node:events';

/** Progress of a run, after each item: its result, how many are done, how many there are. */
export type Progress<R> = (result: R, done: number, total: number) => void;

export interface PoolOptions<T, R> {
  /** Items worked on at once. */
  readonly concurrency: number;
  /** Epoch ms after which nothing new is started. */
  readonly deadline?: number;
  /** Epoch ms after which work still in flight is abandoned: its signal is aborted and its result not waited for. */
  readonly hardDeadline?: number;
  /** Checked before each start: true stops the pool starting anything more (a circuit breaker). */
  readonly shouldStop?: () => boolean;
  readonly now: () => number;
  readonly onDone?: Progress<R>;
  /** Turns an exception thrown by one item's work into that item's result, so one bug never sinks a run. */
  readonly onThrow: (error: unknown, item: T, index: number) => R;
}

export interface PoolOutcome<R> {
  /** By input index; undefined for items not started or abandoned. */
  readonly results: Array<R | undefined>;
  /** Indexes never started (deadline passed or the pool was stopped). */
  readonly notStarted: number[];
  /** Indexes started but abandoned at the hard deadline. */
  readonly abandoned: number[];
}

/**
 * The one pool every run uses, drift or TLS: runs `work` over `items` with at most `concurrency` at
 * once. Nothing new starts after `deadline` or once `shouldStop` says so; at `hardDeadline` the work
 * still in flight is abandoned and its `signal` aborted (fetches and probes stop rather than run on
 * unseen), so a run always ends in time and can name exactly what it did not complete.
 */
export async function runPool<T, R>(
  items: readonly T[],
  work: (item: T, index: number, signal: AbortSignal) => Promise<R>,
  options: PoolOptions<T, R>,
): Promise<PoolOutcome<R>> {
  const { now } = options;
  const results: Array<R | undefined> = new Array(items.length).fill(undefined);
  const notStarted: number[] = [];
  const inFlight = new Set<number>();
  const cancel = new AbortController();
  // Every fetch and probe in flight listens on this one signal; the default cap of 10 would warn.
  setMaxListeners(0, cancel.signal);
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
        result = await work(items[index], index, cancel.signal);
      } catch (error) {
        result = options.onThrow(error, items[index], index);
      }
      // Work overtaken by the hard deadline ends with `cancelled` errors, not facts: never recorded.
      if (abandonedAll) return;
      inFlight.delete(index);
      results[index] = result;
      done += 1;
      options.onDone?.(result, done, items.length);
    }
  };
  const workers = Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, items.length)) }, worker));
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
    // Marked before aborting, so no work that the abort ends quickly can still slip a result in.
    abandonedAll = true;
    if (inFlight.size) cancel.abort();
  }
  const abandoned = [...inFlight].sort((a, b) => a - b);
  // Whatever the workers had not reached yet when the hard deadline struck was never started.
  for (let index = next; index < items.length; index += 1) notStarted.push(index);
  return { results, notStarted: notStarted.sort((a, b) => a - b), abandoned };
}
