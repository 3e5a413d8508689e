import { fail, ok, type Result } from '../common/result';
import { analyseChange, type MetadataChange, type SectionChange, type WordChange } from '../diff';
import { documentFromSnapshotText, type SnapshotDocument } from '../notices';
import type { ReviewStatus } from '../reports';
import { CONTAINERS, type ObjectStore } from '../storage';
import { readHistoryHead } from './history-index';

export interface SinceReviewSide {
  /** The change whose snapshot this side is (for `from`: the last reviewed change; null when nothing was reviewed). */
  readonly report: string | null;
  readonly change: number;
  readonly snapshot: string;
}

/** What changed in a notice since a person last cleared a change of it: one diff over all the changes in between. */
export interface SinceReview {
  readonly notice: string;
  /** The snapshot of the last acknowledged or not-material change, or the version before the first recorded change. */
  readonly from: SinceReviewSide & {
    readonly reviewed: boolean;
    readonly status?: ReviewStatus;
    readonly reviewedAt?: string;
  };
  /** The notice's newest version. */
  readonly to: SinceReviewSide;
  /** Changes after `from`, i.e. pendingReview. */
  readonly changes: number;
  /** False when the notice is back at (or never left) the reviewed version. */
  readonly differs: boolean;
  readonly substantive: boolean;
  readonly diff: string;
  readonly metadataChanges: MetadataChange[];
  readonly sections: SectionChange[];
  readonly wordChanges: WordChange[];
  readonly linesAdded: number;
  readonly linesRemoved: number;
}

const SNAPSHOT_NAME = /^[a-z0-9][a-z0-9._-]*\/[0-9a-f]{64}\.md$/;

async function readSnapshot(store: ObjectStore, name: string): Promise<Result<SnapshotDocument>> {
  if (!SNAPSHOT_NAME.test(name)) return fail('STORAGE_CORRUPT', `The history names an invalid snapshot (${name}).`);
  const found = await store.get(CONTAINERS.snapshots, name);
  if (!found.ok) return found;
  if (!found.value) return fail('SNAPSHOT_NOT_FOUND', `Snapshot ${name} named by the history is missing.`);
  return ok(documentFromSnapshotText(found.value.body.toString('utf8')));
}

/**
 * The diff from the snapshot a reviewer last cleared to the notice's newest snapshot, computed
 * with the same analysis as every change report. With no cleared change yet it starts from the
 * version before the first recorded change. Null when the notice has no recorded change.
 */
export async function changesSinceReview(store: ObjectStore, noticeId: string): Promise<Result<SinceReview | null>> {
  const head = await readHistoryHead(store, noticeId);
  if (!head.ok) return head;
  const { newest, oldest, reviewedThrough } = head.value ?? {};
  if (!head.value || !newest || !oldest) return ok(null);
  const from = reviewedThrough
    ? {
        report: reviewedThrough.report,
        change: reviewedThrough.change,
        snapshot: reviewedThrough.currentSnapshot,
        reviewed: true,
        status: reviewedThrough.status,
        reviewedAt: reviewedThrough.reviewedAt,
      }
    : { report: null, change: oldest.change - 1, snapshot: oldest.previousSnapshot, reviewed: false };
  const to = { report: newest.report, change: newest.change, snapshot: newest.currentSnapshot };
  const [previous, current] = await Promise.all([readSnapshot(store, from.snapshot), readSnapshot(store, to.snapshot)]);
  if (!previous.ok) return previous;
  if (!current.ok) return current;
  const differs = previous.value.text !== current.value.text;
  const analysis = differs
    ? analyseChange(previous.value, current.value, { previousLabel: from.snapshot, currentLabel: to.snapshot })
    : {
        substantive: false,
        diff: '',
        metadataChanges: [],
        sections: [],
        wordChanges: [],
        linesAdded: 0,
        linesRemoved: 0,
      };
  return ok({
    notice: noticeId,
    from,
    to,
    changes: Math.max(0, head.value.changes - from.change),
    differs,
    substantive: analysis.substantive,
    diff: analysis.diff,
    metadataChanges: analysis.metadataChanges,
    sections: analysis.sections,
    wordChanges: analysis.wordChanges,
    linesAdded: analysis.linesAdded,
    linesRemoved: analysis.linesRemoved,
  });
}
