import type { NoticeConfig } from '../config/types';
import { fail, ok, type Problem, type Result } from '../common/result';
import { sha256Hex } from '../common/hash';
import { yieldToEventLoop } from '../common/yield-to-event-loop';
import { analyseChange } from '../diff';
import {
  acquireNotice,
  assessPlausibility,
  featuresOf,
  updateProfile,
  documentFromSnapshotText,
  type Acquisition,
  type FetchOptions,
  type SnapshotDocument,
} from '../notices';
import {
  noticeReportName,
  readReport,
  toNoticeReport,
  writeReport,
  type HeldForReview,
  type NoticeCheckResult,
  type NoticeReport,
} from '../reports';
import { CONTAINERS, type ObjectStore } from '../storage';
import {
  rawName,
  readPointer,
  rememberVersion,
  snapshotName,
  swapPointer,
  POINTER_SCHEMA_VERSION,
  type NoticePointer,
} from './notice-pointer';

/** A suspect body (error page, far smaller) must be seen in this many consecutive runs before it counts as a change. */
export const DEFAULT_SUSPECT_RUNS_TO_ACCEPT = 3;
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
}

async function readSnapshot(store: ObjectStore, name: string): Promise<Result<SnapshotDocument>> {
  const found = await store.get(CONTAINERS.snapshots, name);
  if (!found.ok) return found;
  if (!found.value)
    return fail(
      'SNAPSHOT_MISSING',
      `Snapshot ${name} named by the notice's pointer is missing from the snapshots container.`,
    );
  return ok(documentFromSnapshotText(found.value.body.toString('utf8')));
}

/**
 * Checks one notice once: fetch, parse, normalise, compare with the last good snapshot,
 * store, report. Self-contained (its config and the store) and idempotent per run id,
 * so it can run from a timer, an HTTP call, the CLI or a queue message alike.
 */
export async function checkNotice(
  notice: NoticeConfig,
  run: RunIdentity,
  deps: CheckNoticeDeps,
): Promise<NoticeCheckResult> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const reportName = noticeReportName(run.startedAt, notice.id, run.runId);
  const base = {
    id: notice.id,
    url: notice.url,
    runId: run.runId,
    checkedAt: started.toISOString(),
    metadataChanges: [],
    sections: [],
  };
  const finish = async (
    result: Omit<NoticeCheckResult, 'durationMs' | 'report' | 'runId' | 'checkedAt' | 'id' | 'url'> &
      Partial<NoticeCheckResult>,
  ): Promise<NoticeCheckResult> => {
    const complete: NoticeCheckResult = {
      ...base,
      ...result,
      durationMs: now().getTime() - started.getTime(),
      report: reportName,
    };
    const written = await writeReport(deps.store, reportName, toNoticeReport(complete));
    if (written.ok) return complete;
    return {
      ...complete,
      status: 'error',
      error: {
        code: 'REPORT_NOT_WRITTEN',
        message: `${complete.status === 'changed' ? 'The change was recorded, but its' : 'Its'} report could not be written: ${written.problem.message}`,
      },
      report: null,
    };
  };
  // Set once the pointer is read: a body held at an earlier run stays on view while fetches fail.
  let stillHeld: HeldForReview | undefined;
  const errorResult = (problem: Problem, previousSnapshot: string | null) =>
    finish({
      status: 'error',
      error: problem,
      ...(stillHeld ? { heldForReview: stillHeld } : {}),
      previousSnapshot,
      currentSnapshot: null,
      rawSnapshot: null,
      metadataChanges: [],
      sections: [],
    });

  // Idempotent per run: a check already completed under this run id (a retried invocation, a timer
  // firing twice for one slot) returns what it recorded instead of checking again.
  const earlier = await readReport<NoticeReport & { recovered?: boolean }>(deps.store, reportName);
  if (!earlier.ok)
    return {
      ...base,
      status: 'error',
      error: earlier.problem,
      previousSnapshot: null,
      currentSnapshot: null,
      rawSnapshot: null,
      durationMs: now().getTime() - started.getTime(),
      report: null,
    };
  if (earlier.value) {
    const { schemaVersion: _version, kind: _kind, recovered: _recovered, ...recorded } = earlier.value;
    return recorded;
  }

  const initial = await readPointer(deps.store, notice.id);
  if (!initial.ok)
    return {
      ...base,
      status: 'error',
      error: initial.problem,
      previousSnapshot: null,
      currentSnapshot: null,
      rawSnapshot: null,
      durationMs: now().getTime() - started.getTime(),
      report: null,
    };

  stillHeld = heldForReview(
    initial.value.pointer?.suspect ?? null,
    deps.suspectRunsToAccept ?? DEFAULT_SUSPECT_RUNS_TO_ACCEPT,
  );
  const recovered = await recoverUnwrittenChangeReport(deps.store, initial.value.pointer);
  if (!recovered.ok) return errorResult(recovered.problem, initial.value.pointer?.lastGood?.snapshot ?? null);

  const lastGood = initial.value.pointer?.lastGood ?? null;
  const conditional =
    lastGood && !lastGood.hadIncludes ? { etag: lastGood.etag, lastModified: lastGood.lastModified } : undefined;
  const acquired = await (deps.acquire ?? acquireNotice)(notice, {
    ...deps.fetchOptions,
    conditional,
    signal: deps.signal,
  });
  if (!acquired.ok) return errorResult(acquired.problem, lastGood?.snapshot ?? null);
  if (acquired.value.kind === 'not-modified') {
    if (!lastGood)
      return errorResult(
        {
          code: 'UNEXPECTED_NOT_MODIFIED',
          message: 'The server answered 304 Not Modified to a request that was not conditional.',
        },
        null,
      );
    const pointer = initial.value.pointer;
    if (pointer?.suspect) {
      // The last good version is being served again: a suspect body seen before no longer counts as consecutive.
      const cleared = await swapPointer(
        deps.store,
        { ...pointer, suspect: null, updatedAt: base.checkedAt },
        initial.value.etag,
      );
      if (!cleared.ok) return errorResult(cleared.problem, lastGood.snapshot);
    }
    return finish({
      status: 'unchanged',
      notModified: true,
      previousSnapshot: lastGood.snapshot,
      currentSnapshot: lastGood.snapshot,
      rawSnapshot: null,
      metadataChanges: [],
      sections: [],
      ...lastChangeOf(initial.value.pointer),
    });
  }
  const fetched = acquired.value;

  // Content-addressed and immutable: writing them before the pointer moves is always safe.
  const rawBlob = rawName(notice.id, sha256Hex(fetched.raw));
  const currentSnapshot = snapshotName(notice.id, fetched.hash);

  for (let attempt = 1; attempt <= MAX_POINTER_ATTEMPTS; attempt += 1) {
    const state = attempt === 1 ? initial : await readPointer(deps.store, notice.id);
    if (!state.ok) return errorResult(state.problem, lastGood?.snapshot ?? null);
    const outcome = await decide(
      notice,
      run,
      deps,
      fetched,
      state.value.pointer,
      rawBlob,
      currentSnapshot,
      reportName,
      base.checkedAt,
    );
    if (!outcome.ok) return errorResult(outcome.problem, state.value.pointer?.lastGood?.snapshot ?? null);
    if (outcome.value.pointer) {
      const swapped = await swapPointer(deps.store, outcome.value.pointer, state.value.etag);
      if (!swapped.ok) return errorResult(swapped.problem, state.value.pointer?.lastGood?.snapshot ?? null);
      if (swapped.value === 'conflict') continue; // Another run moved the pointer: decide again against its state.
      if (outcome.value.result.status === 'changed' || outcome.value.result.status === 'baseline') {
        const result = await finish(outcome.value.result);
        if (result.report) await markChangeReportWritten(deps.store, notice.id);
        return result;
      }
    }
    return finish(outcome.value.result);
  }
  return errorResult(
    {
      code: 'STORAGE_CONTENTION',
      message: `The state of notice ${notice.id} kept changing under ${MAX_POINTER_ATTEMPTS} attempts; another run is updating it. Try again.`,
    },
    lastGood?.snapshot ?? null,
  );
}

type Decision = {
  result: Omit<NoticeCheckResult, 'durationMs' | 'report' | 'runId' | 'checkedAt' | 'id' | 'url'>;
  pointer: NoticePointer | null;
};

async function decide(
  notice: NoticeConfig,
  run: RunIdentity,
  deps: CheckNoticeDeps,
  fetched: Extract<Acquisition, { kind: 'fetched' }>,
  pointer: NoticePointer | null,
  rawBlob: string,
  currentSnapshot: string,
  reportName: string,
  /** The check's start: the time a version is said to be seen, the same as the report's checkedAt. */
  seenAt: string,
): Promise<Result<Decision>> {
  const lastGood = pointer?.lastGood ?? null;
  const previousSnapshot = lastGood?.snapshot ?? null;
  const common = { previousSnapshot, includes: fetched.includeUrls };
  const validators = {
    etag: fetched.etag,
    lastModified: fetched.lastModified,
    hadIncludes: fetched.includeUrls.length > 0,
  };

  if (pointer && lastGood && lastGood.hash === fetched.hash) {
    const validatorsMoved =
      lastGood.etag !== validators.etag ||
      lastGood.lastModified !== validators.lastModified ||
      lastGood.hadIncludes !== validators.hadIncludes;
    // Only write the pointer when something worth keeping moved; an unchanged run is read-only otherwise.
    const next =
      validatorsMoved || pointer.suspect
        ? { ...pointer, lastGood: { ...lastGood, ...validators }, suspect: null, updatedAt: seenAt }
        : null;
    return ok({
      result: {
        ...common,
        status: 'unchanged',
        currentSnapshot: previousSnapshot,
        rawSnapshot: null,
        metadataChanges: [],
        sections: [],
        ...lastChangeOf(pointer),
      },
      pointer: next,
    });
  }

  let previous: SnapshotDocument | undefined;
  if (previousSnapshot) {
    const read = await readSnapshot(deps.store, previousSnapshot);
    if (!read.ok) return read;
    previous = read.value;
  }

  let acceptedAfterSuspectRuns: number | undefined;
  // Measuring a large body is a slice of synchronous work of its own: let the run's timers in
  // before each (the measures are kept, so the judgement below reuses them).
  await yieldToEventLoop();
  featuresOf(fetched.document);
  await yieldToEventLoop();
  const profile = pointer?.profile ?? (previous ? updateProfile(undefined, previous) : undefined);
  await yieldToEventLoop();
  const suspicion = assessPlausibility(fetched.document, previous, profile);
  if (suspicion) {
    const needed = deps.suspectRunsToAccept ?? DEFAULT_SUSPECT_RUNS_TO_ACCEPT;
    const count = pointer?.suspect?.hash === fetched.hash ? pointer.suspect.count + 1 : 1;
    if (count < needed) {
      const suspect = {
        hash: fetched.hash,
        count,
        firstSeen: pointer?.suspect?.hash === fetched.hash ? pointer.suspect.firstSeen : seenAt,
        reason: suspicion.message,
        signal: suspicion.signal,
        figures: suspicion.figures,
        firstLines: firstLinesOf(fetched.document.body),
      };
      const next: NoticePointer = { ...(pointer ?? emptyPointer(notice, seenAt)), suspect, updatedAt: seenAt };
      const problem = {
        code: suspicion.code,
        message: `${suspicion.message} Held for review, not treated as a change (seen ${count} of ${needed} consecutive times needed to accept it).`,
      };
      return ok({
        result: {
          ...common,
          status: 'error',
          error: problem,
          heldForReview: heldForReview(next.suspect, needed),
          currentSnapshot: null,
          rawSnapshot: null,
          metadataChanges: [],
          sections: [],
        },
        pointer: next,
      });
    }
    acceptedAfterSuspectRuns = count;
  }

  const storedRaw = await deps.store.create(
    CONTAINERS.raw,
    rawBlob,
    fetched.raw,
    fetched.contentType ?? 'application/octet-stream',
  );
  if (!storedRaw.ok) return storedRaw;
  const storedSnapshot = await deps.store.create(
    CONTAINERS.snapshots,
    currentSnapshot,
    fetched.document.text,
    'text/markdown; charset=utf-8',
  );
  if (!storedSnapshot.ok) return storedSnapshot;

  const recurrence = pointer?.known.find((version) => version.hash === fetched.hash) ?? null;
  const extra = acceptedAfterSuspectRuns ? { acceptedAfterSuspectRuns } : {};
  const change =
    previous && previousSnapshot ? changeFields(previous, fetched.document, previousSnapshot, currentSnapshot) : null;
  // A return to a version already seen (two CDN backends, an A/B test) is reported, but only new
  // wording of the body calls for a person's attention.
  const alert = change ? change.substantive && !recurrence : undefined;
  const next: NoticePointer = {
    ...(pointer ?? emptyPointer(notice, seenAt)),
    url: notice.url,
    lastGood: {
      hash: fetched.hash,
      snapshot: currentSnapshot,
      raw: rawBlob,
      fetchedAt: seenAt,
      runId: run.runId,
      ...validators,
    },
    lastChange: {
      report: reportName,
      reportWritten: false,
      runId: run.runId,
      runStartedAt: run.startedAt,
      checkedAt: seenAt,
      previousSnapshot,
      currentSnapshot,
      // Kept so that a report rebuilt after a crash, and latest.json healed by a later run, say all the live one said.
      ...(change ? { substantive: change.substantive, alert, recurrence } : {}),
      includes: fetched.includeUrls,
      ...extra,
    },
    suspect: null,
    known: rememberVersion(pointer?.known ?? [], fetched.hash, currentSnapshot, seenAt),
    profile: updateProfile(profile, fetched.document),
    updatedAt: seenAt,
  };
  if (!change) {
    return ok({
      result: {
        ...common,
        ...extra,
        status: 'baseline',
        currentSnapshot,
        rawSnapshot: rawBlob,
        metadataChanges: [],
        sections: [],
      },
      pointer: next,
    });
  }
  return ok({
    result: {
      ...common,
      ...extra,
      status: 'changed',
      currentSnapshot,
      rawSnapshot: rawBlob,
      ...change,
      recurrence,
      alert,
    },
    pointer: next,
  });
}

/** How many lines of a held body are shown, and how long each may be. */
const HELD_LINES = 8;
const HELD_LINE_CHARS = 200;

/** The first non-blank lines of a body, cut to a readable length. */
function firstLinesOf(body: string): string[] {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < HELD_LINES && start < body.length) {
    let end = body.indexOf('\n', start);
    if (end < 0) end = body.length;
    // Fetched text: control characters (terminal escapes) become spaces before anyone prints it.
    const line = body
      .slice(start, Math.min(end, start + HELD_LINE_CHARS * 2))
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
      .trim();
    if (line !== '') lines.push(line.length > HELD_LINE_CHARS ? `${line.slice(0, HELD_LINE_CHARS - 1)}…` : line);
    start = end + 1;
  }
  return lines;
}

/** The held body as results, reports and latest.json show it; undefined when nothing is held. */
function heldForReview(suspect: NoticePointer['suspect'], needed: number): HeldForReview | undefined {
  if (!suspect) return undefined;
  return {
    signal: suspect.signal ?? 'unknown',
    reason: suspect.reason,
    figures: suspect.figures ?? {},
    firstLines: suspect.firstLines ?? [],
    hash: suspect.hash,
    seen: suspect.count,
    needed,
    firstSeen: suspect.firstSeen,
  };
}

/** The parts of a change report that come from comparing the two snapshots. */
function changeFields(
  previous: SnapshotDocument,
  current: SnapshotDocument,
  previousName: string,
  currentName: string,
) {
  const analysis = analyseChange(previous, current, { previousLabel: previousName, currentLabel: currentName });
  return {
    substantive: analysis.substantive,
    diff: analysis.diff,
    metadataChanges: analysis.metadataChanges,
    sections: analysis.sections,
    wordChanges: analysis.wordChanges,
    linesAdded: analysis.linesAdded,
    linesRemoved: analysis.linesRemoved,
  };
}

/** An unchanged result names the notice's last real change, so latest.json heals even if that run failed to record it. */
function lastChangeOf(pointer: NoticePointer | null): Pick<NoticeCheckResult, 'lastChange'> {
  const change = pointer?.lastChange;
  if (!change?.previousSnapshot) return {};
  return {
    lastChange: {
      report: change.report,
      at: change.checkedAt,
      ...(change.substantive !== undefined ? { substantive: change.substantive } : {}),
      ...(change.alert !== undefined ? { alert: change.alert } : {}),
    },
  };
}

function emptyPointer(notice: NoticeConfig, at: string): NoticePointer {
  return {
    schemaVersion: POINTER_SCHEMA_VERSION,
    noticeId: notice.id,
    url: notice.url,
    lastGood: null,
    lastChange: null,
    suspect: null,
    known: [],
    updatedAt: at,
  };
}

/**
 * The pointer moves before the change report is written; if the process died in between,
 * the report is rebuilt here from the two immutable snapshots, under its original name.
 */
async function recoverUnwrittenChangeReport(store: ObjectStore, pointer: NoticePointer | null): Promise<Result<void>> {
  const change = pointer?.lastChange;
  if (!pointer || !change || change.reportWritten) return ok(undefined);
  const existing = await store.get(CONTAINERS.reports, change.report);
  if (!existing.ok) return existing;
  if (!existing.value) {
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
      };
    } else {
      result = {
        ...base,
        status: 'baseline',
        previousSnapshot: null,
        currentSnapshot: change.currentSnapshot,
        rawSnapshot: pointer.lastGood?.raw ?? null,
        metadataChanges: [],
        sections: [],
      };
    }
    const written = await writeReport(store, change.report, { ...toNoticeReport(result), recovered: true });
    if (!written.ok) return written;
  }
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
