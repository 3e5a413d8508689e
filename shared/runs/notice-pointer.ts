import type { NoticePromises } from '../claims';
import { ok, type Result } from '../common/result';
import type { NoticeProfile } from '../notices';
import { CONTAINERS, type ObjectStore, pointerName, readJson } from '../storage';

export const POINTER_SCHEMA_VERSION = 1;
/** How many distinct earlier versions a notice remembers, for recognising returns to them. */
export const KNOWN_VERSIONS_KEPT = 64;

export interface KnownVersion {
  readonly hash: string;
  readonly snapshot: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
}

/**
 * Per-notice mutable state, the only blob that is ever overwritten (with ETag compare-and-swap).
 * `lastGood` moves only on a baseline or an accepted change; failed fetches never touch it.
 */
export interface NoticePointer {
  readonly schemaVersion: number;
  readonly noticeId: string;
  readonly url: string;
  readonly lastGood: {
    readonly hash: string;
    readonly snapshot: string;
    readonly raw: string | null;
    readonly fetchedAt: string;
    readonly runId: string;
    readonly etag: string | null;
    readonly lastModified: string | null;
    /** Conditional requests are only safe when no include can change behind a 304. */
    readonly hadIncludes: boolean;
    /** What this version promises that an endpoint check can verify; read by the TLS run (absent in older pointers). */
    readonly promises?: NoticePromises;
  } | null;
  /** The last change, kept until its report is known to be written, so a crash between the two loses nothing. */
  readonly lastChange: {
    readonly report: string;
    readonly reportWritten: boolean;
    readonly runId: string;
    readonly runStartedAt: string;
    readonly checkedAt: string;
    readonly previousSnapshot: string | null;
    readonly currentSnapshot: string;
    readonly substantive?: boolean;
    readonly alert?: boolean;
    readonly recurrence?: KnownVersion | null;
    readonly includes?: string[];
    readonly acceptedAfterSuspectRuns?: number;
    /** Which change of the notice this is (see `changes`); absent for a baseline. */
    readonly number?: number;
  } | null;
  /**
   * Changes recorded so far. Counted here, where concurrent runs are serialised by compare-and-swap,
   * so change numbers follow the order the versions really moved in. Pointers written before
   * counting began have none: their next change is number 1.
   */
  readonly changes?: number;
  /** A suspect body seen in consecutive runs; accepted as a change once it persists long enough. */
  readonly suspect: {
    readonly hash: string;
    readonly count: number;
    readonly firstSeen: string;
    readonly reason: string;
    /** The plausibility signal that fired, its figures and the body's first lines (absent in older pointers). */
    readonly signal?: string;
    readonly figures?: Readonly<Record<string, number | string | boolean>>;
    readonly firstLines?: readonly string[];
  } | null;
  /** Titles and headings of the accepted versions, for telling another document from the notice (absent in older pointers). */
  readonly profile?: NoticeProfile;
  readonly known: KnownVersion[];
  readonly updatedAt: string;
}

export interface PointerWithEtag {
  readonly pointer: NoticePointer | null;
  readonly etag: string | null;
}

export async function readPointer(store: ObjectStore, noticeId: string): Promise<Result<PointerWithEtag>> {
  const found = await readJson<NoticePointer>(store, CONTAINERS.state, pointerName(noticeId));
  if (!found.ok) return found;
  return ok({ pointer: found.value?.value ?? null, etag: found.value?.etag ?? null });
}

export async function swapPointer(store: ObjectStore, pointer: NoticePointer, expectedEtag: string | null) {
  return store.swap(
    CONTAINERS.state,
    pointerName(pointer.noticeId),
    JSON.stringify(pointer, null, 2),
    'application/json',
    expectedEtag,
  );
}

export function rememberVersion(
  known: readonly KnownVersion[],
  hash: string,
  snapshot: string,
  seenAt: string,
): KnownVersion[] {
  const existing = known.find((version) => version.hash === hash);
  const updated: KnownVersion = existing
    ? { ...existing, lastSeen: seenAt }
    : { hash, snapshot, firstSeen: seenAt, lastSeen: seenAt };
  const others = known.filter((version) => version.hash !== hash);
  return [updated, ...others].sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : -1)).slice(0, KNOWN_VERSIONS_KEPT);
}
