import { ok, type Problem, type Result } from '../common/result';
import { type AlertSummary, buildPayload } from '../notify/payload';
import {
  type ChangedResult,
  type NoticeCheckResult,
  type NoticeReport,
  readReport,
  type UnchangedResult,
} from '../reports';
import { CHANGE_INDEX_NAME, CONTAINERS, noticeChangeIndexName, type ObjectStore, readJson, swapJson } from '../storage';
import { MAX_FEED_ENTRIES } from './atom-feed';

/** One change in the feeds: enough to write an entry without reading its report. */
export interface ChangeEntry {
  readonly noticeId: string;
  readonly url: string;
  readonly report: string;
  readonly checkedAt: string;
  readonly runId: string;
  /** New wording (what alerts go out for); false for metadata-only changes and returns to a known version. */
  readonly alert: boolean;
  readonly substantive: boolean;
  readonly recurrence: boolean;
  readonly title: string;
  readonly summary: AlertSummary;
}

interface ChangeIndex {
  readonly schemaVersion: number;
  readonly updatedAt: string;
  /** Newest first. */
  readonly entries: ChangeEntry[];
}

/** The feed of every change reads one small blob; it keeps the newest changes of all notices, this many. */
export const MAX_INDEXED_CHANGES = 500;

/**
 * Each notice also has its own index, so busy notices cannot push a quiet one's changes out of
 * its feed; it keeps what that feed shows and no more.
 */
export const MAX_NOTICE_INDEXED_CHANGES = MAX_FEED_ENTRIES;

function entryOf(result: ChangedResult, report: string): ChangeEntry {
  const payload = buildPayload('notice-changed', { ...result, kind: 'notice-check' }, report, {}, undefined);
  return {
    noticeId: result.id,
    url: result.url,
    report,
    checkedAt: result.checkedAt,
    runId: result.runId,
    alert: result.alert === true,
    substantive: result.substantive === true,
    recurrence: Boolean(result.recurrence),
    title: payload.title,
    summary: payload.summary,
  };
}

function newestFirst(a: ChangeEntry, b: ChangeEntry): number {
  if (a.checkedAt !== b.checkedAt) return a.checkedAt < b.checkedAt ? 1 : -1;
  return a.report < b.report ? 1 : a.report > b.report ? -1 : 0;
}

/** An index's entries, or null when the blob does not exist yet. */
async function readIndex(store: ObjectStore, name: string): Promise<Result<ChangeEntry[] | null>> {
  const found = await readJson<ChangeIndex>(store, CONTAINERS.state, name);
  return found.ok ? ok(found.value ? found.value.value.entries : null) : found;
}

/** The newest changes of every notice, newest first. */
export async function readChangeIndex(store: ObjectStore): Promise<Result<ChangeEntry[]>> {
  const found = await readIndex(store, CHANGE_INDEX_NAME);
  return found.ok ? ok(found.value ?? []) : found;
}

/**
 * One notice's newest changes, newest first, from its own index. A notice with no change indexed
 * since per-notice indexes exist has none yet: its changes are read from the global index then.
 */
export async function readNoticeChanges(store: ObjectStore, noticeId: string): Promise<Result<ChangeEntry[]>> {
  const own = await readIndex(store, noticeChangeIndexName(noticeId));
  if (!own.ok) return own;
  if (own.value) return ok(own.value);
  const all = await readChangeIndex(store);
  return all.ok ? ok(all.value.filter((entry) => entry.noticeId === noticeId)) : all;
}

/** Whether an index of at most `cap` entries would keep this change: not there yet, and not older than all it keeps when full. */
function wouldTake(entries: readonly ChangeEntry[], report: string, at: string, cap: number): boolean {
  if (entries.some((entry) => entry.report === report)) return false;
  return entries.length < cap || at > (entries.at(-1)?.checkedAt ?? '');
}

/** `existing` plus `adding`, one entry per report, newest first, capped; null when nothing new would stay. */
function merged(
  existing: readonly ChangeEntry[],
  adding: readonly ChangeEntry[],
  cap: number,
): { entries: ChangeEntry[]; added: string[] } | null {
  const byReport = new Map(existing.map((entry) => [entry.report, entry]));
  const candidates = adding.filter((entry) => !byReport.has(entry.report));
  for (const entry of candidates) byReport.set(entry.report, entry);
  const entries = [...byReport.values()].sort(newestFirst).slice(0, cap);
  const kept = new Set(entries.map((entry) => entry.report));
  const added = candidates.filter((entry) => kept.has(entry.report)).map((entry) => entry.report);
  return added.length ? { entries, added } : null;
}

/** Several storage problems become one, keeping the first one's code. */
function oneProblem(problems: readonly Problem[]): Problem {
  if (problems.length === 1) return problems[0];
  return { code: problems[0].code, message: problems.map((problem) => problem.message).join(' ') };
}

/**
 * Adds a run's changes to the indexes the feeds read: each notice's own, then the global one. A
 * change in the global index is in its notice's index too, because that one is written first and
 * a notice whose write failed is left out of the global write. A change whose own run died before
 * indexing it is added when a later check names it as the notice's last change, so no feed misses
 * it. Returns how many changes are new to either index.
 */
export async function indexChanges(
  store: ObjectStore,
  results: readonly NoticeCheckResult[],
  now: string,
): Promise<Result<number>> {
  const fresh = results
    .filter((result): result is ChangedResult => result.status === 'changed' && result.report !== null)
    .map((result) => entryOf(result, result.report!));
  const named = results.filter(
    (result): result is UnchangedResult => result.status === 'unchanged' && result.lastChange !== undefined,
  );
  if (!fresh.length && !named.length) return ok(0);
  const current = await readChangeIndex(store);
  if (!current.ok) return current;
  const known = new Set([...current.value.map((entry) => entry.report), ...fresh.map((entry) => entry.report)]);
  for (const result of named) {
    const change = result.lastChange!;
    if (known.has(change.report)) continue;
    // The global index, when full, only takes changes newer than what it would drop. A quiet
    // notice's change it dropped is still in the notice's own index: read that before the report.
    if (!wouldTake(current.value, change.report, change.at, MAX_INDEXED_CHANGES)) {
      const own = await readIndex(store, noticeChangeIndexName(result.id));
      if (!own.ok) return own;
      if (!wouldTake(own.value ?? [], change.report, change.at, MAX_NOTICE_INDEXED_CHANGES)) continue;
    }
    const report = await readReport<NoticeReport>(store, change.report);
    if (!report.ok) return report;
    if (report.value?.status !== 'changed') continue;
    known.add(change.report);
    fresh.push(entryOf(report.value, change.report));
  }
  if (!fresh.length) return ok(0);

  const byNotice = new Map<string, ChangeEntry[]>();
  for (const entry of fresh) byNotice.set(entry.noticeId, [...(byNotice.get(entry.noticeId) ?? []), entry]);
  const added = new Set<string>();
  const problems: Problem[] = [];
  const indexed: ChangeEntry[] = [];
  for (const [noticeId, entries] of byNotice) {
    let noticeAdded: string[] = [];
    const written = await swapJson<ChangeIndex>(store, CONTAINERS.state, noticeChangeIndexName(noticeId), (index) => {
      // A notice's first own index starts from what the global index holds of it, so nothing recorded before disappears.
      const next = merged(
        index?.entries ?? current.value.filter((entry) => entry.noticeId === noticeId),
        entries,
        MAX_NOTICE_INDEXED_CHANGES,
      );
      noticeAdded = next?.added ?? [];
      return next && { schemaVersion: 1, updatedAt: now, entries: next.entries };
    });
    if (!written.ok) {
      problems.push(written.problem);
      continue;
    }
    for (const report of noticeAdded) added.add(report);
    indexed.push(...entries);
  }
  if (indexed.length) {
    let globalAdded: string[] = [];
    const written = await swapJson<ChangeIndex>(store, CONTAINERS.state, CHANGE_INDEX_NAME, (index) => {
      const next = merged(index?.entries ?? [], indexed, MAX_INDEXED_CHANGES);
      globalAdded = next?.added ?? [];
      return next && { schemaVersion: 1, updatedAt: now, entries: next.entries };
    });
    if (!written.ok) problems.push(written.problem);
    else for (const report of globalAdded) added.add(report);
  }
  return problems.length ? { ok: false, problem: oneProblem(problems) } : ok(added.size);
}
