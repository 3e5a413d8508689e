import { fail, type Result } from '../common/result';

/**
 * Resolves with `work`'s result, or with a RUN_DEADLINE problem once `deadline` (epoch ms) passes,
 * whichever comes first. The work itself is not cancelled; everything it writes is idempotent.
 */
export async function byDeadline<T>(
  work: Promise<Result<T>>,
  deadline: number | undefined,
  what: string,
  now: () => number = Date.now,
): Promise<Result<T>> {
  if (deadline === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<Result<T>>((resolve) => {
    timer = setTimeout(
      () => resolve(fail('RUN_DEADLINE', `The run reached its deadline before it could ${what}.`)),
      Math.max(0, deadline - now()),
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Time kept back from the hard deadline for the run's closing writes (latest.json, the summary). */
export function closingReserveMs(startedAt: number, hardDeadline: number): number {
  return Math.min(10_000, Math.max(0, (hardDeadline - startedAt) / 4));
}

/** When a run abandons work still in flight: its hard deadline less the reserve its closing writes need. */
export function abandonTime(startedAt: number, hardDeadline: number | undefined): number | undefined {
  return hardDeadline === undefined ? undefined : hardDeadline - closingReserveMs(startedAt, hardDeadline);
}
