import { CronExpressionParser } from 'cron-parser';

import { fail, ok, type Problem, type Result } from '../common/result';
import { CONTAINERS, type ObjectStore, readJson, slotClaimName } from '../storage';
import { newRunId } from './run-id';

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
  const name = slotClaimName(kind, slot);
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
    slotClaimName(kind, slot),
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

/** After a run's budget, its grace and a margin, an unfinished claim can only belong to a dead run. */
const STALE_MARGIN_MS = 120_000;

export interface SlotRunRequest {
  readonly store: ObjectStore;
  readonly kind: 'drift' | 'tls';
  /** The timer's NCRONTAB schedule, and the time zone it is read in (the host's WEBSITE_TIME_ZONE). */
  readonly schedule: string;
  readonly timeZone: string;
  /** The run's budget: a claim unfinished long after it belongs to a run that died. */
  readonly runBudgetMs: number;
  readonly now: () => Date;
}

export type SlotRunOutcome<T> =
  | {
      readonly kind: 'ran';
      readonly slot: Date;
      readonly runId: string;
      readonly value: T;
      /** Marking the slot finished failed: a later duplicate fire may take the slot over (harmlessly). */
      readonly problems: Problem[];
    }
  | {
      readonly kind: 'skipped';
      readonly slot: Date;
      readonly claim: SlotClaim;
      readonly because: 'finished' | 'running';
    };

/**
 * Runs `work` once per schedule slot, whether the timer fires late (past due) or twice for the same
 * slot: the run id is derived from the slot, so a run taken over from one that died repeats nothing.
 */
export async function runOncePerSlot<T>(
  request: SlotRunRequest,
  work: (runId: string, startedAt: Date) => Promise<T>,
): Promise<Result<SlotRunOutcome<T>>> {
  const { store, kind } = request;
  const now = request.now();
  const slot = scheduleSlot(request.schedule, now, request.timeZone);
  if (!slot.ok) return slot;
  const claim = await claimSlot(store, kind, slot.value, now, request.runBudgetMs + STALE_MARGIN_MS);
  if (!claim.ok) return claim;
  if (claim.value.kind !== 'claimed')
    return ok({ kind: 'skipped', slot: slot.value, claim: claim.value.claim, because: claim.value.kind });
  const value = await work(claim.value.runId, now);
  const finished = await finishSlot(store, kind, slot.value, claim.value, request.now());
  return ok({
    kind: 'ran',
    slot: slot.value,
    runId: claim.value.runId,
    value,
    problems: finished.ok ? [] : [finished.problem],
  });
}
