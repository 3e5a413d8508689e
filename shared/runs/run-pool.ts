/**
 * Runs `work` over `items` with at most `concurrency` at once, starting nothing after the
 * deadline. What was not started is returned by index, so a run can name what it did not reach.
 */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
  options: { deadline?: number; now?: () => number; onDone?: (result: R, done: number, total: number) => void } = {},
): Promise<{ results: Array<R | undefined>; notStarted: number[] }> {
  const now = options.now ?? Date.now;
  const results: Array<R | undefined> = new Array(items.length).fill(undefined);
  const notStarted: number[] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      if (options.deadline !== undefined && now() >= options.deadline) {
        notStarted.push(index);
        continue;
      }
      const result = await work(items[index], index);
      results[index] = result;
      done += 1;
      options.onDone?.(result, done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return { results, notStarted: notStarted.sort((a, b) => a - b) };
}
