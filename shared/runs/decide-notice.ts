import { changeClaimFields, extractClaims, promisesOf, raisesAlert } from '../claims';
import { controlCharactersAsSpaces } from '../common/control-characters';
import type { NoticeConfig } from '../config/types';
import { analyseChange, reportedChange } from '../diff';
import { type Acquisition, assessPlausibility, type SnapshotDocument, updateProfile } from '../notices';
import type { ChangedResult, HeldForReview, NoticeOutcome, UnchangedResult } from '../reports';
import { type NoticePointer, POINTER_SCHEMA_VERSION, rememberVersion } from './notice-pointer';

/** A suspect body (error page, far smaller) must be seen in this many consecutive runs before it counts as a change. */
export const DEFAULT_SUSPECT_RUNS_TO_ACCEPT = 3;

export type FetchedNotice = Extract<Acquisition, { kind: 'fetched' }>;

/** Everything a decision is made from, besides the pointer it is made against. */
export interface DecisionContext {
  readonly notice: NoticeConfig;
  readonly run: { readonly runId: string; readonly startedAt: string };
  readonly fetched: FetchedNotice;
  /** The last good snapshot's document, when the pointer names one and the fetched hash differs from it. */
  readonly previous: SnapshotDocument | undefined;
  /** Blob names this check would write: the raw bytes, the snapshot, the report. */
  readonly names: { readonly raw: string; readonly snapshot: string; readonly report: string };
  /** The check's start: the time a version is said to be seen, the same as the report's checkedAt. */
  readonly seenAt: string;
  readonly suspectRunsToAccept: number;
}

/** The immutable blobs of a new version, written (create-only) before the pointer moves to them. */
export interface Evidence {
  readonly raw: { readonly name: string; readonly bytes: Buffer; readonly contentType: string };
  readonly snapshot: { readonly name: string; readonly text: string };
}

export interface Decision {
  readonly outcome: NoticeOutcome;
  /** The pointer to compare-and-swap in, or null to leave it as it is. */
  readonly pointer: NoticePointer | null;
  /** Blobs to write before the pointer moves, or null when this version keeps none. */
  readonly evidence: Evidence | null;
}

/**
 * What a fetched version means against the notice's pointer: unchanged, a suspect body not (yet)
 * accepted, a baseline or a change. Pure: it reads and writes nothing, so a run whose pointer swap
 * loses a race simply decides again against the pointer it re-reads.
 */
export function decide(context: DecisionContext, pointer: NoticePointer | null): Decision {
  const { fetched, seenAt } = context;
  const lastGood = pointer?.lastGood ?? null;
  const previousSnapshot = lastGood?.snapshot ?? null;
  const includes = fetched.includeUrls;
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
    return {
      outcome: {
        status: 'unchanged',
        previousSnapshot,
        currentSnapshot: previousSnapshot,
        rawSnapshot: null,
        includes,
        ...lastChangeOf(pointer),
      },
      pointer: next,
      evidence: null,
    };
  }

  let acceptedAfterSuspectRuns: number | undefined;
  // The notice's titles and headings over its history; a pointer from before profiles starts from the last good version.
  const profile = pointer?.profile ?? (context.previous ? updateProfile(undefined, context.previous) : undefined);
  const suspicion = assessPlausibility(fetched.document, context.previous, profile);
  if (suspicion) {
    const needed = context.suspectRunsToAccept;
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
      return {
        outcome: {
          status: 'error',
          error: {
            code: suspicion.code,
            message: `${suspicion.message} Held for review, not treated as a change (seen ${count} of ${needed} consecutive times needed to accept it).`,
          },
          heldForReview: heldForReview(suspect, needed),
          previousSnapshot,
          currentSnapshot: null,
          rawSnapshot: null,
          includes,
        },
        pointer: { ...(pointer ?? emptyPointer(context.notice, seenAt)), suspect, updatedAt: seenAt },
        evidence: null,
      };
    }
    acceptedAfterSuspectRuns = count;
  }

  const { raw, snapshot: currentSnapshot, report } = context.names;
  const recurrence = pointer?.known.find((version) => version.hash === fetched.hash) ?? null;
  const extra = acceptedAfterSuspectRuns ? { acceptedAfterSuspectRuns } : {};
  const change =
    context.previous && previousSnapshot
      ? changeFields(context.previous, fetched.document, previousSnapshot, currentSnapshot)
      : null;
  // A return to a version already seen (two CDN backends, an A/B test) is reported, but only a change
  // to the claims or sections calls for a person's attention (see ChangeSeverity).
  const alert = change ? raisesAlert(change.severity, recurrence !== null) : undefined;
  const claims = change?.claims ?? extractClaims(fetched.document);
  const changeNumber = change ? (pointer?.changes ?? 0) + 1 : undefined;
  const next: NoticePointer = {
    ...(pointer ?? emptyPointer(context.notice, seenAt)),
    ...(changeNumber ? { changes: changeNumber } : {}),
    url: context.notice.url,
    lastGood: {
      hash: fetched.hash,
      snapshot: currentSnapshot,
      raw,
      fetchedAt: seenAt,
      runId: context.run.runId,
      ...validators,
      promises: promisesOf(claims),
    },
    lastChange: {
      report,
      reportWritten: false,
      runId: context.run.runId,
      runStartedAt: context.run.startedAt,
      checkedAt: seenAt,
      previousSnapshot,
      currentSnapshot,
      // Kept so that a report rebuilt after a crash, and latest.json healed by a later run, say all the live one said.
      ...(change ? { substantive: change.substantive, alert, recurrence, number: changeNumber } : {}),
      includes,
      ...extra,
    },
    suspect: null,
    known: rememberVersion(pointer?.known ?? [], fetched.hash, currentSnapshot, seenAt),
    profile: updateProfile(profile, fetched.document),
    updatedAt: seenAt,
  };
  // Content-addressed and immutable: writing them before the pointer moves is always safe.
  const evidence: Evidence = {
    raw: { name: raw, bytes: fetched.raw, contentType: fetched.contentType ?? 'application/octet-stream' },
    snapshot: { name: currentSnapshot, text: fetched.document.text },
  };
  if (!change || !previousSnapshot) {
    return {
      outcome: {
        status: 'baseline',
        previousSnapshot: null,
        currentSnapshot,
        rawSnapshot: raw,
        includes,
        ...extra,
        claims,
      },
      pointer: next,
      evidence,
    };
  }
  return {
    outcome: {
      status: 'changed',
      previousSnapshot,
      currentSnapshot,
      rawSnapshot: raw,
      includes,
      ...extra,
      ...change,
      recurrence,
      alert,
      changeNumber,
    },
    pointer: next,
    evidence,
  };
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
    const line = controlCharactersAsSpaces(body.slice(start, Math.min(end, start + HELD_LINE_CHARS * 2))).trim();
    if (line !== '') lines.push(line.length > HELD_LINE_CHARS ? `${line.slice(0, HELD_LINE_CHARS - 1)}…` : line);
    start = end + 1;
  }
  return lines;
}

/** The held body as results, reports and latest.json show it; undefined when nothing is held. */
export function heldForReview(suspect: NoticePointer['suspect'], needed: number): HeldForReview | undefined {
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
export function changeFields(
  previous: SnapshotDocument,
  current: SnapshotDocument,
  previousName: string,
  currentName: string,
): Pick<
  ChangedResult,
  'substantive' | 'diff' | 'metadataChanges' | 'sections' | 'wordChanges' | 'linesAdded' | 'linesRemoved'
> &
  ReturnType<typeof changeClaimFields> {
  const analysis = analyseChange(previous, current, { previousLabel: previousName, currentLabel: currentName });
  return {
    ...reportedChange(analysis),
    ...changeClaimFields(previous, current, analysis),
  };
}

/** An unchanged result names the notice's last real change, so latest.json heals even if that run failed to record it. */
export function lastChangeOf(pointer: NoticePointer | null): Pick<UnchangedResult, 'lastChange'> {
  const change = pointer?.lastChange;
  if (!change?.previousSnapshot) return {};
  return {
    lastChange: {
      report: change.report,
      at: change.checkedAt,
      ...(change.substantive !== undefined ? { substantive: change.substantive } : {}),
      ...(change.alert !== undefined ? { alert: change.alert } : {}),
      ...(change.number !== undefined ? { number: change.number } : {}),
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
