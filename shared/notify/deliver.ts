import { runPool } from '../common/pool';
import type { Problem } from '../common/result';
import type { ChannelConfig } from '../config/types';
import type { ObjectStore } from '../storage';
import { resolveChannel } from './channels';
import {
  type DeliveryState,
  type DeliveryStateName,
  type OutboxRecord,
  readPending,
  readRecord,
  removePending,
  swapRecord,
} from './outbox';
import { sendAlert } from './send-alert';

export interface DeliveryTuning {
  /** Attempts per record in one run; what still fails stays pending for the next run. */
  readonly attemptsPerRun: number;
  /** First backoff between attempts in a run; doubled each time (with jitter). */
  readonly backoffMs: number;
  /** Longest wait between attempts, whatever a Retry-After says. */
  readonly maxBackoffMs: number;
  readonly timeoutMs: number;
  /** Attempts over all runs before a record is given up as failed. */
  readonly maxAttempts: number;
  /** A record older than this is given up as failed: an alert days late helps no one. */
  readonly maxAgeMs: number;
  /** Records delivered at once. */
  readonly concurrency: number;
}

export const DEFAULT_DELIVERY: DeliveryTuning = {
  attemptsPerRun: 3,
  backoffMs: 1_000,
  maxBackoffMs: 15_000,
  timeoutMs: 10_000,
  maxAttempts: 12,
  maxAgeMs: 7 * 24 * 3600_000,
  concurrency: 4,
};

/** What the run summary says about one record. */
export interface DeliveryOutcome {
  readonly record: string;
  readonly channel: string;
  readonly kind: OutboxRecord['kind'];
  readonly subject: string;
  readonly report: string;
  readonly state: DeliveryStateName;
  readonly attempts: number;
  readonly lastStatus: number | null;
  readonly lastError?: Problem;
}

export interface DeliveryContext {
  readonly store: ObjectStore;
  readonly channels: readonly ChannelConfig[];
  readonly env: NodeJS.ProcessEnv;
  /** Lease owner: the run id. */
  readonly owner: string;
  readonly now: () => Date;
  /** Epoch ms after which no attempt starts (one that would not finish before it does not start either). */
  readonly deadline?: number;
  readonly tuning: DeliveryTuning;
  readonly redact: (text: string) => string;
}

/** Claims hold for the attempt's timeout plus a margin; a claim older than that belongs to a run that died. */
const LEASE_MARGIN_MS = 30_000;

function outcomeOf(record: OutboxRecord): DeliveryOutcome {
  const { delivery } = record;
  return {
    record: record.name,
    channel: record.channel,
    kind: record.kind,
    subject: record.payload.subject.id,
    report: record.report,
    state: delivery.state,
    attempts: delivery.attempts,
    lastStatus: delivery.lastStatus,
    ...(delivery.lastError ? { lastError: delivery.lastError } : {}),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function settle(record: OutboxRecord, delivery: Partial<DeliveryState>): OutboxRecord {
  return { ...record, delivery: { ...record.delivery, ...delivery } };
}

/**
 * Delivers one record: claim it (pending → sending, with a lease, by ETag compare-and-swap), send,
 * record the outcome on the claimed version. Two runs can never both hold the claim, so a record
 * is sent by one of them; the other sees `sending` or `sent` and leaves it.
 */
interface DeliveryResult {
  readonly outcome: DeliveryOutcome | null;
  readonly done: boolean;
  readonly problem?: Problem;
}

async function deliverOne(context: DeliveryContext, name: string): Promise<DeliveryResult> {
  const { store, tuning, now } = context;
  let last: OutboxRecord | null = null;
  for (let round = 0; round < tuning.attemptsPerRun + 2; round += 1) {
    const read = await readRecord(store, name);
    if (!read.ok) return { outcome: last && outcomeOf(last), done: false, problem: read.problem };
    if (!read.value) return { outcome: null, done: true }; // Named in the index but never written: nothing to send.
    const { value: record, etag } = read.value;
    last = record;
    const state = record.delivery;
    if (state.state === 'sent' || state.state === 'failed') return { outcome: outcomeOf(record), done: true };
    const at = now();
    if (state.state === 'sending' && state.lease && Date.parse(state.lease.until) > at.getTime())
      return { outcome: outcomeOf(record), done: false }; // Another run is sending it right now.

    const giveUp = (problem: Problem) => settle(record, { state: 'failed', lease: null, lastError: problem });
    let finalRecord: OutboxRecord | null = null;
    if (state.attempts >= tuning.maxAttempts)
      finalRecord = giveUp({
        code: 'DELIVERY_GAVE_UP',
        message: `Not delivered after ${state.attempts} attempts; the last error is kept in the record.`,
      });
    else if (at.getTime() - Date.parse(record.createdAt) > tuning.maxAgeMs)
      finalRecord = giveUp({
        code: 'DELIVERY_EXPIRED',
        message: 'Not delivered in time; the alert is too old to send.',
      });
    const channel = context.channels.find((item) => item.id === record.channel);
    if (!finalRecord && !channel)
      finalRecord = giveUp({
        code: 'CHANNEL_NOT_CONFIGURED',
        message: `Channel "${record.channel}" is no longer on the watchlist.`,
      });
    if (finalRecord) {
      const swapped = await swapRecord(store, finalRecord, etag);
      if (!swapped.ok) return { outcome: outcomeOf(record), done: false, problem: swapped.problem };
      if (swapped.value === 'conflict') continue;
      return { outcome: outcomeOf(finalRecord), done: true };
    }

    if (round >= tuning.attemptsPerRun) return { outcome: outcomeOf(record), done: false };
    if (context.deadline !== undefined && at.getTime() + tuning.timeoutMs > context.deadline)
      return { outcome: outcomeOf(record), done: false }; // No time left in this run: the next one sends it.

    const resolved = resolveChannel(channel!, context.env);
    const attempts = state.attempts + 1;
    if (!resolved.ok) {
      // Configuration, not the receiver: counted, kept pending, tried again once the setting is there.
      const unresolved = settle(record, {
        state: 'pending',
        attempts,
        lastAttemptAt: at.toISOString(),
        lastStatus: null,
        lastError: { code: resolved.problem.code, message: context.redact(resolved.problem.message) },
        lease: null,
      });
      const swapped = await swapRecord(store, unresolved, etag);
      if (!swapped.ok) return { outcome: outcomeOf(record), done: false, problem: swapped.problem };
      if (swapped.value === 'conflict') continue;
      return { outcome: outcomeOf(unresolved), done: false };
    }

    const claimed = settle(record, {
      state: 'sending',
      attempts,
      lastAttemptAt: at.toISOString(),
      lease: {
        owner: context.owner,
        until: new Date(at.getTime() + tuning.timeoutMs + LEASE_MARGIN_MS).toISOString(),
      },
    });
    const claim = await swapRecord(store, claimed, etag);
    if (!claim.ok) return { outcome: outcomeOf(record), done: false, problem: claim.problem };
    if (claim.value === 'conflict') continue; // Someone else moved it: look again.

    const sent = await sendAlert(resolved.value, record.payload, { timeoutMs: tuning.timeoutMs, now });
    const after = settle(claimed, {
      state: sent.delivered ? 'sent' : attempts >= tuning.maxAttempts ? 'failed' : 'pending',
      lastStatus: sent.status,
      lastError: sent.problem ? { code: sent.problem.code, message: context.redact(sent.problem.message) } : null,
      lease: null,
      sentAt: sent.delivered ? now().toISOString() : null,
    });
    const recorded = await swapRecord(store, after, claim.value.etag);
    if (!recorded.ok || recorded.value === 'conflict') {
      // Sent (or tried) but not recorded: the lease runs out and a later run tries again, with the
      // same Idempotency-Key, so a receiver that honours it still acts once.
      const problem = !recorded.ok
        ? recorded.problem
        : { code: 'OUTBOX_CONFLICT' as const, message: `Outbox record ${name} changed while its claim was held.` };
      return { outcome: outcomeOf(after), done: false, problem };
    }
    if (after.delivery.state !== 'pending') return { outcome: outcomeOf(after), done: true };
    if (!sent.retryable) return { outcome: outcomeOf(after), done: false };
    const exponential = tuning.backoffMs * 2 ** round * (0.75 + Math.random() * 0.5);
    const wait = Math.min(tuning.maxBackoffMs, Math.max(exponential, sent.retryAfterMs ?? 0));
    if (context.deadline !== undefined && now().getTime() + wait + tuning.timeoutMs > context.deadline)
      return { outcome: outcomeOf(after), done: false };
    await sleep(wait);
  }
  return { outcome: last && outcomeOf(last), done: false };
}

/** Delivers every pending record (this run's and those earlier runs left), oldest name first. */
export async function deliverPending(
  context: DeliveryContext,
): Promise<{ deliveries: DeliveryOutcome[]; problems: Problem[] }> {
  const pending = await readPending(context.store);
  if (!pending.ok) return { deliveries: [], problems: [pending.problem] };
  const problems: Problem[] = [];
  const failed = (error: unknown, name: string): DeliveryResult => ({
    outcome: null,
    done: false,
    problem: {
      code: 'DELIVERY_FAILED',
      message: context.redact(
        `Delivering ${name} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
      ),
    },
  });
  // No deadline here: deliverOne keeps to the context's deadline itself, so every record is tried.
  const pool = await runPool(pending.value, (name) => deliverOne(context, name), {
    concurrency: context.tuning.concurrency,
    now: () => context.now().getTime(),
    onThrow: failed,
  });
  const results = pool.results.map((result, index) => result ?? failed('not run', pending.value[index]));
  const done = pending.value.filter((_name, index) => results[index].done);
  for (const result of results) if (result.problem) problems.push(result.problem);
  if (done.length) {
    const removed = await removePending(context.store, done, context.now().toISOString());
    if (!removed.ok) problems.push(removed.problem);
  }
  return {
    deliveries: results
      .map((result) => result.outcome)
      .filter((outcome): outcome is DeliveryOutcome => outcome !== null),
    problems,
  };
}
