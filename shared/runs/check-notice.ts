import { extractClaims } from '../claims';
import { sha256Hex } from '../common/hash';
import { redactSecrets } from '../common/redact';
import { fail, ok, type Problem, type Result } from '../common/result';
import { yieldToEventLoop } from '../common/yield-to-event-loop';
import type { NoticeConfig } from '../config/types';
import { recordChange } from '../history';
import {
  acquireNotice,
  documentFromSnapshotText,
  featuresOf,
  type FetchOptions,
  type RepositoryFiles,
  type SnapshotDocument,
} from '../notices';
import {
  type HeldForReview,
  type NoticeCheckResult,
  type NoticeOutcome,
  type NoticeReport,
  readReport,
  toNoticeReport,
  writeReport,
} from '../reports';
import { CONTAINERS, noticeReportName, type ObjectStore, rawName, snapshotName } from '../storage';
import {
  changeFields,
  decide,
  type DecisionContext,
  DEFAULT_SUSPECT_RUNS_TO_ACCEPT,
  type Evidence,
  heldForReview,
  lastChangeOf,
} from './decide-notice';
import { type NoticePointer, readPointer, swapPointer } from './notice-pointer';

const MAX_POINTER_ATTEMPTS = 6;

export interface RunIdentity {
  readonly runId: string;
  /** ISO time the run started; reports are partitioned by it. */
  readonly startedAt: string;
}

export interface CheckNoticeDeps {
  readonly store: ObjectStore;
  readonly fetchOptions?: FetchOptions;
  readonly suspectRunsToAccept?: number;
  readonly now?: () => Date;
  /** Replaceable for tests; defaults to the real fetch-parse-normalise pipeline. */
  readonly acquire?: typeof acquireNotice;
  /** Aborted when the run gives up on work in flight: the fetch stops instead of running on unseen. */
  readonly signal?: AbortSignal;
  /** Publishing files read in this run, shared by its checks (one fetch per repository per run); each check makes its own without it. */
  readonly repositoryFiles?: RepositoryFiles;
}

async function readSnapshot(store: ObjectStore, name: string): Promise<Result<SnapshotDocument>> {
  const found = await store.get(CONTAINERS.snapshots, name);
  if (!found.ok) return found;
  if (!found.value)
    return fail(
      'SNAPSHOT_NOT_FOUND',
      `Snapshot ${name} named by the notice's pointer is missing from the snapshots container.`,
    );
  return ok(documentFromSnapshotText(found.value.body.toString('utf8')));
}

/** The last good snapshot a fetched version is compared with: only read when the version differs from it. */
async function readPrevious(
  store: ObjectStore,
  pointer: NoticePointer | null,
  fetchedHash: string,
): Promise<Result<SnapshotDocument | undefined>> {
  const lastGood = pointer?.lastGood;
  if (!lastGood || lastGood.hash === fetchedHash) return ok(undefined);
  return readSnapshot(store, lastGood.snapshot);
}

/** Writes a new version's raw bytes and snapshot; create-only, so writing them again is a no-op. */
async function writeEvidence(store: ObjectStore, evidence: Evidence): Promise<Result<void>> {
  const raw = await store.create(CONTAINERS.raw, evidence.raw.name, evidence.raw.bytes, evidence.raw.contentType);
  if (!raw.ok) return raw;
  const snapshot = await store.create(
    CONTAINERS.snapshots,
    evidence.snapshot.name,
    evidence.snapshot.text,
    'text/markdown; charset=utf-8',
  );
  return snapshot.ok ? ok(undefined) : snapshot;
}

function errorOutcome(problem: Problem, previousSnapshot: string | null): NoticeOutcome {
  return {
    status: 'error',
    // Reports, latest.json, run summaries, logs and the CLI all show it: a quoted URL or header must not carry a secret.
    error: { code: problem.code, message: redactSecrets(problem.message) },
    previousSnapshot,
    currentSnapshot: null,
    rawSnapshot: null,
  };
}

/**
 * Checks one notice once: fetch, parse, normalise, decide against the last good snapshot, write
 * the evidence, move the pointer, report. Self-contained (its config and the store) and idempotent
 * per run id, so it can run from a timer, an HTTP call, the CLI or a queue message alike.
 */
export async function checkNotice(
  notice: NoticeConfig,
  run: RunIdentity,
  deps: CheckNoticeDeps,
): Promise<NoticeCheckResult> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const reportName = noticeReportName(run.startedAt, notice.id, run.runId);
  const checkedAt = started.toISOString();
  /** The outcome with the run's bookkeeping around it. */
  const complete = (outcome: NoticeOutcome, report: string | null): NoticeCheckResult => ({
    id: notice.id,
    url: notice.url,
    runId: run.runId,
    checkedAt,
    ...outcome,
    durationMs: now().getTime() - started.getTime(),
    report,
  });
  const finish = async (outcome: NoticeOutcome): Promise<NoticeCheckResult> => {
    const result = complete(outcome, reportName);
    const written = await writeReport(deps.store, reportName, toNoticeReport(result));
    if (written.ok) return result;
    return complete(
      {
        status: 'error',
        error: {
          code: 'REPORT_NOT_WRITTEN',
          message: `${result.status === 'changed' ? 'The change was recorded, but its' : 'Its'} report could not be written: ${written.problem.message}`,
        },
        previousSnapshot: result.previousSnapshot,
        currentSnapshot: result.currentSnapshot,
        rawSnapshot: result.rawSnapshot,
        ...(result.includes ? { includes: result.includes } : {}),
      },
      null,
    );
  };
  // Set once the pointer is read: a body held at an earlier run stays on view while fetches fail.
  let stillHeld: HeldForReview | undefined;
  const failWith = (problem: Problem, previousSnapshot: string | null) =>
    finish({ ...errorOutcome(problem, previousSnapshot), ...(stillHeld ? { heldForReview: stillHeld } : {}) });

  // Idempotent per run: a check already completed under this run id (a retried invocation, a timer
  // firing twice for one slot) returns what it recorded instead of checking again.
  const earlier = await readReport<NoticeReport & { recovered?: boolean }>(deps.store, reportName);
  if (!earlier.ok) return complete(errorOutcome(earlier.problem, null), null);
  if (earlier.value) {
    const { schemaVersion: _version, kind: _kind, recovered: _recovered, ...recorded } = earlier.value;
    return recorded;
  }

  const initial = await readPointer(deps.store, notice.id);
  if (!initial.ok) return complete(errorOutcome(initial.problem, null), null);

  stillHeld = heldForReview(
    initial.value.pointer?.suspect ?? null,
    deps.suspectRunsToAccept ?? DEFAULT_SUSPECT_RUNS_TO_ACCEPT,
  );
  const recovered = await recoverUnwrittenChangeReport(deps.store, initial.value.pointer);
  if (!recovered.ok) return failWith(recovered.problem, initial.value.pointer?.lastGood?.snapshot ?? null);

  const lastGood = initial.value.pointer?.lastGood ?? null;
  const conditional =
    lastGood && !lastGood.hadIncludes ? { etag: lastGood.etag, lastModified: lastGood.lastModified } : undefined;
  const acquired = await (deps.acquire ?? acquireNotice)(notice, {
    ...deps.fetchOptions,
    conditional,
    signal: deps.signal,
    repositoryFiles: deps.repositoryFiles,
  });
  if (!acquired.ok) return failWith(acquired.problem, lastGood?.snapshot ?? null);
  if (acquired.value.kind === 'not-modified') {
    if (!lastGood)
      return failWith(
        {
          code: 'UNEXPECTED_NOT_MODIFIED',
          message: 'The server answered 304 Not Modified to a request that was not conditional.',
        },
        null,
      );
    // The last good version is being served again: a suspect body seen before no longer counts as
    // consecutive. Another run may move the pointer meanwhile: read it again and clear what it holds.
    let state = initial;
    for (let attempt = 1; state.value.pointer?.suspect; attempt += 1) {
      if (attempt > MAX_POINTER_ATTEMPTS) return failWith(contention(notice.id), lastGood.snapshot);
      const { pointer, etag } = state.value;
      const cleared = await swapPointer(deps.store, { ...pointer, suspect: null, updatedAt: checkedAt }, etag);
      if (!cleared.ok) return failWith(cleared.problem, lastGood.snapshot);
      if (cleared.value !== 'conflict') break;
      const again = await readPointer(deps.store, notice.id);
      if (!again.ok) return failWith(again.problem, lastGood.snapshot);
      state = again;
    }
    return finish({
      status: 'unchanged',
      notModified: true,
      previousSnapshot: lastGood.snapshot,
      currentSnapshot: lastGood.snapshot,
      rawSnapshot: null,
      ...lastChangeOf(initial.value.pointer),
    });
  }
  const fetched = acquired.value;
  const context: Omit<DecisionContext, 'previous'> = {
    notice,
    run,
    fetched,
    names: {
      raw: rawName(notice.id, sha256Hex(fetched.raw)),
      snapshot: snapshotName(notice.id, fetched.hash),
      report: reportName,
    },
    seenAt: checkedAt,
    suspectRunsToAccept: deps.suspectRunsToAccept ?? DEFAULT_SUSPECT_RUNS_TO_ACCEPT,
  };

  for (let attempt = 1; attempt <= MAX_POINTER_ATTEMPTS; attempt += 1) {
    const state = attempt === 1 ? initial : await readPointer(deps.store, notice.id);
    if (!state.ok) return failWith(state.problem, lastGood?.snapshot ?? null);
    const { pointer, etag } = state.value;
    const keptSnapshot = pointer?.lastGood?.snapshot ?? null;
    const previous = await readPrevious(deps.store, pointer, fetched.hash);
    if (!previous.ok) return failWith(previous.problem, keptSnapshot);
    // Measuring a large body is a slice of synchronous work of its own: let the run's timers in
    // before measuring each (the measures are kept, so deciding reuses them).
    await yieldToEventLoop();
    featuresOf(fetched.document);
    if (previous.value) {
      await yieldToEventLoop();
      featuresOf(previous.value);
    }
    await yieldToEventLoop();
    const decision = decide({ ...context, previous: previous.value }, pointer);
    if (decision.evidence) {
      const written = await writeEvidence(deps.store, decision.evidence);
      if (!written.ok) return failWith(written.problem, keptSnapshot);
    }
    if (decision.pointer) {
      const swapped = await swapPointer(deps.store, decision.pointer, etag);
      if (!swapped.ok) return failWith(swapped.problem, keptSnapshot);
      if (swapped.value === 'conflict') continue; // Another run moved the pointer: decide again against its state.
      if (decision.outcome.status === 'changed' || decision.outcome.status === 'baseline') {
        const result = await finish(decision.outcome);
        // The change stays marked unwritten until its history entry exists too, so a run that dies
        // in between is completed by the next one (recoverUnwrittenChangeReport).
        if (result.report && (await recordChange(deps.store, toNoticeReport(result))).ok)
          await markChangeReportWritten(deps.store, notice.id);
        return result;
      }
    }
    return finish(decision.outcome);
  }
  return failWith(contention(notice.id), lastGood?.snapshot ?? null);
}

function contention(noticeId: string): Problem {
  return {
    code: 'STORAGE_CONTENTION',
    message: `The state of notice ${noticeId} kept changing under ${MAX_POINTER_ATTEMPTS} attempts; another run is updating it. Try again.`,
  };
}

/**
 * The pointer moves before the change report is written; if the process died in between,
 * the report is rebuilt here from the two immutable snapshots, under its original name.
 */
async function recoverUnwrittenChangeReport(store: ObjectStore, pointer: NoticePointer | null): Promise<Result<void>> {
  const change = pointer?.lastChange;
  if (!pointer || !change || change.reportWritten) return ok(undefined);
  const existing = await readReport<NoticeReport>(store, change.report);
  if (!existing.ok) return existing;
  let report: NoticeReport | null = existing.value;
  if (!report) {
    const current = await readSnapshot(store, change.currentSnapshot);
    if (!current.ok) return current;
    const base = {
      id: pointer.noticeId,
      url: pointer.url,
      runId: change.runId,
      checkedAt: change.checkedAt,
      durationMs: 0,
      report: change.report,
      includes: change.includes ?? [],
      ...(change.acceptedAfterSuspectRuns ? { acceptedAfterSuspectRuns: change.acceptedAfterSuspectRuns } : {}),
    };
    let result: NoticeCheckResult;
    if (change.previousSnapshot) {
      const previous = await readSnapshot(store, change.previousSnapshot);
      if (!previous.ok) return previous;
      result = {
        ...base,
        status: 'changed',
        previousSnapshot: change.previousSnapshot,
        currentSnapshot: change.currentSnapshot,
        rawSnapshot: pointer.lastGood?.snapshot === change.currentSnapshot ? pointer.lastGood.raw : null,
        ...changeFields(previous.value, current.value, change.previousSnapshot, change.currentSnapshot),
        recurrence: change.recurrence ?? null,
        ...(change.alert !== undefined ? { alert: change.alert } : {}),
        ...(change.number !== undefined ? { changeNumber: change.number } : {}),
      };
    } else {
      result = {
        ...base,
        status: 'baseline',
        previousSnapshot: null,
        currentSnapshot: change.currentSnapshot,
        rawSnapshot: pointer.lastGood?.raw ?? null,
        claims: extractClaims(current.value),
      };
    }
    report = toNoticeReport(result);
    const written = await writeReport(store, change.report, { ...report, recovered: true });
    if (!written.ok) return written;
  }
  const indexed = await recordChange(store, report);
  if (!indexed.ok) return indexed;
  return markChangeReportWritten(store, pointer.noticeId);
}

/** Best effort: if this loses a race, the next run finds the report present and marks it then. */
async function markChangeReportWritten(store: ObjectStore, noticeId: string): Promise<Result<void>> {
  const state = await readPointer(store, noticeId);
  if (!state.ok) return state;
  const pointer = state.value.pointer;
  if (!pointer?.lastChange || pointer.lastChange.reportWritten) return ok(undefined);
  const swapped = await swapPointer(
    store,
    { ...pointer, lastChange: { ...pointer.lastChange, reportWritten: true } },
    state.value.etag,
  );
  return swapped.ok ? ok(undefined) : swapped;
}
