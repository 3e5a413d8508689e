import type { InvocationContext, Timer } from '@azure/functions';
import type { ObjectStore } from '../shared/storage';
import { claimSlot, finishSlot, scheduleSlot } from '../shared/runs';
import type { FunctionDeps } from './function-deps';

/** After a run's budget, its grace and a margin, an unfinished claim can only belong to a dead run. */
const STALE_MARGIN_MS = 120_000;

/**
 * Runs `work` once per schedule slot, whether the timer fires late (isPastDue) or twice for the
 * same slot; the run id is derived from the slot, so a taken-over run repeats nothing.
 */
export async function runOncePerSlot(
  deps: FunctionDeps,
  context: InvocationContext,
  timer: Timer,
  kind: 'drift' | 'tls',
  schedule: string,
  work: (store: ObjectStore, runId: string, startedAt: Date) => Promise<void>,
): Promise<void> {
  if (timer.isPastDue) context.warn(`${kind} timer is running late (past due); running the current slot now.`);
  const store = await deps.getStore();
  if (!store.ok) throw new Error(`[${store.problem.code}] ${store.problem.message}`);
  const now = deps.now();
  const slot = scheduleSlot(schedule, now, process.env.WEBSITE_TIME_ZONE || 'UTC');
  if (!slot.ok) throw new Error(`[${slot.problem.code}] ${slot.problem.message}`);
  const claim = await claimSlot(store.value, kind, slot.value, now, deps.settings.runBudgetMs + STALE_MARGIN_MS);
  if (!claim.ok) throw new Error(`[${claim.problem.code}] ${claim.problem.message}`);
  if (claim.value.kind !== 'claimed') {
    context.log(`${kind} slot ${slot.value.toISOString()} already ${claim.value.kind === 'finished' ? 'ran' : 'is running'} as ${claim.value.claim.runId}; nothing to do.`);
    return;
  }
  await work(store.value, claim.value.runId, now);
  const finished = await finishSlot(store.value, kind, slot.value, claim.value, deps.now());
  if (!finished.ok) context.warn(`${kind} slot ${slot.value.toISOString()}: [${finished.problem.code}] ${finished.problem.message}`);
}
