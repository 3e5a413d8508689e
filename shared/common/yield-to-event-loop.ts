/**
 * Lets the event loop run (timers, I/O) before the caller goes on. Long synchronous work on
 * fetched text is split with it, because a run's deadlines are timers, and a timer cannot fire
 * while the thread is busy.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
