import { fail, ok, type Problem, type Result } from '../common/result';
import { CONTAINERS, type JsonWithEtag, type ObjectStore, PENDING_ALERTS_NAME, readJson, swapJson } from '../storage';
import type { AlertKind, AlertPayload } from './payload';

export const OUTBOX_SCHEMA_VERSION = 1;

export type DeliveryStateName = 'pending' | 'sending' | 'sent' | 'failed';

export interface DeliveryState {
  readonly state: DeliveryStateName;
  readonly attempts: number;
  readonly lastAttemptAt: string | null;
  /** HTTP status of the last answer; null when there was none (refused, timed out). */
  readonly lastStatus: number | null;
  readonly lastError: Problem | null;
  /** Who is sending it now, and until when the claim holds; a claim past its time can be taken over. */
  readonly lease: { readonly owner: string; readonly until: string } | null;
  readonly sentAt: string | null;
}

/**
 * One notification to one channel. Created once (create-only) under a name derived from its
 * report, its kind and its channel, so however many runs decide the same alert, there is one
 * record; its delivery state then moves only by compare-and-swap on the blob's ETag.
 */
export interface OutboxRecord {
  readonly schemaVersion: number;
  readonly name: string;
  /** Sent as Idempotency-Key on every attempt. */
  readonly key: string;
  readonly channel: string;
  readonly kind: AlertKind;
  readonly report: string;
  readonly createdAt: string;
  readonly createdByRun: string;
  readonly payload: AlertPayload;
  readonly delivery: DeliveryState;
}

interface PendingIndex {
  readonly schemaVersion: number;
  readonly updatedAt: string;
  readonly names: string[];
}

export function newDelivery(): DeliveryState {
  return {
    state: 'pending',
    attempts: 0,
    lastAttemptAt: null,
    lastStatus: null,
    lastError: null,
    lease: null,
    sentAt: null,
  };
}

export async function createRecord(store: ObjectStore, record: OutboxRecord): Promise<Result<'created' | 'exists'>> {
  return store.create(CONTAINERS.state, record.name, JSON.stringify(record, null, 2), 'application/json');
}

export async function readRecord(store: ObjectStore, name: string): Promise<Result<JsonWithEtag<OutboxRecord> | null>> {
  return readJson<OutboxRecord>(store, CONTAINERS.state, name);
}

/** Moves a record's delivery state; 'conflict' means another run moved it first. */
export async function swapRecord(
  store: ObjectStore,
  record: OutboxRecord,
  etag: string,
): Promise<Result<{ etag: string } | 'conflict'>> {
  return store.swap(CONTAINERS.state, record.name, JSON.stringify(record, null, 2), 'application/json', etag);
}

export async function readPending(store: ObjectStore): Promise<Result<string[]>> {
  const found = await readJson<PendingIndex>(store, CONTAINERS.state, PENDING_ALERTS_NAME);
  return found.ok ? ok(found.value?.value.names ?? []) : found;
}

async function updatePending(
  store: ObjectStore,
  now: string,
  change: (names: Set<string>) => boolean,
): Promise<Result<void>> {
  const written = await swapJson<PendingIndex>(store, CONTAINERS.state, PENDING_ALERTS_NAME, (current) => {
    const names = new Set(current?.names ?? []);
    if (!change(names)) return null;
    return { schemaVersion: OUTBOX_SCHEMA_VERSION, updatedAt: now, names: [...names].sort() };
  });
  return written.ok ? ok(undefined) : fail(written.problem.code, written.problem.message);
}

export function addPending(store: ObjectStore, names: readonly string[], now: string): Promise<Result<void>> {
  return updatePending(store, now, (set) => {
    const before = set.size;
    for (const name of names) set.add(name);
    return set.size !== before;
  });
}

export function removePending(store: ObjectStore, names: readonly string[], now: string): Promise<Result<void>> {
  return updatePending(store, now, (set) => {
    let removed = false;
    for (const name of names) removed = set.delete(name) || removed;
    return removed;
  });
}
