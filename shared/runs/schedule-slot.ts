import { CronExpressionParser } from 'cron-parser';

import { fail, ok, type Result } from '../common/result';
import { CONTAINERS, type ObjectStore, readJson } from '../storage';
import { compactTimestamp, newRunId } from './run-id';

/** Timers may fire a little early; an occurrence this close ahead still counts as now. */
const EARLY_FIRE_TOLERANCE_MS = 1_000;

/**
 * The schedule occurrence a timer invocation belongs to: the latest one at or before now. A late
 * (past-due) invocation belongs to the most recent occurrence, so a backlog collapses into one run.
 */
export function scheduleSlot(schedule: string, now: Date, timeZone = 'UTC'): Result<Date> {
  try {
    const expression = CronExpressionParser.parse(schedule, {
      currentDate: new Date(now.getTime() + EARLY_FIRE_TOLERANCE_MS),
      tz: timeZone,
    });
    return ok(expression.prev().toDate());
  } catch (error) {
    return fail(
      'SCHEDULE_INVALID',
      `Schedule "${schedule}" is not a valid NCRONTAB expression: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export interface SlotClaim {
  readonly runId: string;
  readonly slot: string;
  readonly claimedAt: string;
  readonly finishedAt?: string;
}

export type ClaimOutcome =
  | { readonly kind: 'claimed'; readonly runId: string; readonly etag: string; readonly claimedAt: string }
  | { readonly kind: 'finished'; readonly claim: SlotClaim }
  | { readonly kind: 'running'; readonly claim: SlotClaim };

function claimName(kind: string, slot: Date): string {
  return `slots/${kind}/${compactTimestamp(slot)}.json`;
}

/**
 * One run per schedule slot: the first invocation claims the slot with a create-only write. A
 * second one (a duplicate fire) finds it finished or still running and does nothing. A claim left
 * unfinished for longer than `staleAfterMs` belongs to a run that died: it is taken over with the
 * same run id, and because every check is idempotent per run id, nothing is reported twice.
 */
export async function claimSlot(
  store: ObjectStore,
  kind: string,
  slot: Date,
  now: Date,
  staleAfterMs: number,
): Promise<Result<ClaimOutcome>> {
  const name = claimName(kind, slot);
  const runId = newRunId(slot, kind);
  const claim: SlotClaim = { runId, slot: slot.toISOString(), claimedAt: now.toISOString() };
  const created = await store.swap(CONTAINERS.state, name, JSON.stringify(claim), 'application/json', null);
  if (!created.ok) return created;
  if (created.value !== 'conflict')
    return ok({ kind: 'claimed', runId, etag: created.value.etag, claimedAt: claim.claimedAt });

  const existing = await readJson<SlotClaim>(store, CONTAINERS.state, name);
  if (!existing.ok) return existing;
  if (!existing.value)
    return fail(
      'STORAGE_CONTENTION',
      `The claim for the ${kind} slot ${slot.toISOString()} vanished while being read; try again.`,
    );
  const current = existing.value.value;
  if (current.finishedAt) return ok({ kind: 'finished', claim: current });
  if (now.getTime() - Date.parse(current.claimedAt) < staleAfterMs) return ok({ kind: 'running', claim: current });
  const takeover = await store.swap(
    CONTAINERS.state,
    name,
    JSON.stringify({ ...current, claimedAt: now.toISOString() }),
    'application/json',
    existing.value.etag,
  );
  if (!takeover.ok) return takeover;
  if (takeover.value === 'conflict') return ok({ kind: 'running', claim: current });
  return ok({ kind: 'claimed', runId: current.runId, etag: takeover.value.etag, claimedAt: now.toISOString() });
}

export async function finishSlot(
  store: ObjectStore,
  kind: string,
  slot: Date,
  claim: { runId: string; etag: string; claimedAt: string },
  finishedAt: Date,
): Promise<Result<void>> {
  const body: SlotClaim = {
    runId: claim.runId,
    slot: slot.toISOString(),
    claimedAt: claim.claimedAt,
    finishedAt: finishedAt.toISOString(),
  };
  const written = await store.swap(
    CONTAINERS.state,
    claimName(kind, slot),
    JSON.stringify(body),
    'application/json',
    claim.etag,
  );
  if (!written.ok) return written;
  return written.value === 'conflict'
    ? fail(
        'STORAGE_CONTENTION',
        `The ${kind} slot ${slot.toISOString()} was taken over by another run before this one finished.`,
      )
    : ok(undefined);
}
