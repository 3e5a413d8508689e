import type { NoticeConfig } from '../shared/config';
import { applyDiff } from '../shared/diff';
import { hashSnapshot } from '../shared/notices';
import type { NoticeCheckResult } from '../shared/reports';
import { checkNotice, newRunId, readPointer } from '../shared/runs';
import { CONTAINERS, type ObjectStore } from '../shared/storage';

/** How the replay serves one published version: as is, then the faults a real server produces. */
export interface HistoryServer {
  readonly origin: string;
  serveText(path: string, body: string): void;
  serveFailure(path: string, kind: 'status-503' | 'truncated' | 'reset'): void;
}

export interface ReplayTally {
  versions: number;
  changed: number;
  unchanged: number;
  baseline: number;
  errors: number;
  /** Versions whose fetch was refused as suspect (error pages, stubs). */
  suspect: Array<{ version: number; reason: string }>;
  recurrences: number;
  injectedFailures: number;
  violations: string[];
}

const FAULTS = ['status-503', 'truncated', 'reset'] as const;

/**
 * Replays a notice's published versions through a local server, checking after each one:
 * a fetch of the version, a re-fetch of the same bytes, and an injected failed fetch.
 * Records every broken promise in `violations`: a re-fetch that is not unchanged, a failure that
 * is not an error or that moves the pointer, a diff that does not turn the previous snapshot
 * exactly into the next, or a change count that differs from the accepted versions' changes.
 */
export async function replayHistory(
  id: string,
  versions: readonly string[],
  store: ObjectStore,
  server: HistoryServer,
  runPrefix = 'replay',
): Promise<ReplayTally> {
  const path = `/${id}/notice.md`;
  const notice: NoticeConfig = { id, url: `${server.origin}${path}`, format: 'markdown' };
  const tally: ReplayTally = {
    versions: versions.length,
    changed: 0,
    unchanged: 0,
    baseline: 0,
    errors: 0,
    suspect: [],
    recurrences: 0,
    injectedFailures: 0,
    violations: [],
  };
  let counter = 0;
  const check = async (): Promise<NoticeCheckResult> => {
    counter += 1;
    const startedAt = new Date();
    return checkNotice(
      notice,
      { runId: newRunId(startedAt, `${runPrefix}${counter}`), startedAt: startedAt.toISOString() },
      { store, fetchOptions: { timeoutMs: 5_000, retries: 0 } },
    );
  };
  const snapshotText = async (name: string | null): Promise<string | null> => {
    if (!name) return null;
    const found = await store.get(CONTAINERS.snapshots, name);
    return found.ok && found.value ? found.value.body.toString('utf8') : null;
  };
  let acceptedHash: string | null = null;
  let acceptedRaw: string | null = null;
  const hashOf = (snapshot: string | null) => (snapshot ?? '').replace(/^.*\/|\.md$/g, '');

  for (const [index, version] of versions.entries()) {
    server.serveText(path, version);
    const result = await check();
    tally[result.status === 'error' ? 'errors' : result.status] += 1;
    if (result.status === 'error') {
      if (
        result.error?.code === 'SUSPECT_BODY' ||
        result.error?.code === 'NOT_MARKDOWN' ||
        result.error?.code === 'EMPTY_BODY'
      )
        tally.suspect.push({ version: index, reason: result.error.message });
      else tally.violations.push(`version ${index}: unexpected error ${result.error?.code}: ${result.error?.message}`);
    } else {
      // Byte-identical text is never a change; otherwise a change is exactly a new snapshot hash.
      const expected =
        acceptedHash === null
          ? 'baseline'
          : version === acceptedRaw || acceptedHash === hashOf(result.currentSnapshot)
            ? 'unchanged'
            : 'changed';
      if (result.status !== expected) tally.violations.push(`version ${index}: ${result.status}, expected ${expected}`);
      if (result.status === 'changed') {
        if (result.recurrence) tally.recurrences += 1;
        const before = await snapshotText(result.previousSnapshot);
        const after = await snapshotText(result.currentSnapshot);
        if (before === null || after === null || applyDiff(before, result.diff ?? '') !== after)
          tally.violations.push(
            `version ${index}: the diff does not turn ${result.previousSnapshot} into ${result.currentSnapshot}`,
          );
        if (before === after)
          tally.violations.push(`version ${index}: reported as changed but the snapshots are identical`);
        if (after !== null && hashSnapshot(after) !== hashOf(result.currentSnapshot))
          tally.violations.push(`version ${index}: snapshot name is not its content hash`);
      }
      acceptedHash = hashOf(result.currentSnapshot);
      acceptedRaw = version;
    }

    const again = await check();
    if (again.status !== 'unchanged' && !(result.status === 'error' && again.status === 'error')) {
      tally.violations.push(
        `version ${index}: re-fetch gave ${again.status}${again.error ? ` (${again.error.code})` : ''}, expected unchanged`,
      );
    }
    if (again.status === 'changed') {
      acceptedHash = hashOf(again.currentSnapshot);
      acceptedRaw = version;
    }

    const before = await readPointer(store, id);
    server.serveFailure(path, FAULTS[index % FAULTS.length]);
    const failed = await check();
    tally.injectedFailures += 1;
    const after = await readPointer(store, id);
    if (failed.status !== 'error')
      tally.violations.push(
        `version ${index}: injected ${FAULTS[index % FAULTS.length]} gave ${failed.status}, expected error`,
      );
    const lastGood = (state: typeof before) =>
      state.ok ? JSON.stringify(state.value.pointer?.lastGood ?? null) : 'unreadable';
    if (lastGood(before) !== lastGood(after))
      tally.violations.push(`version ${index}: injected failure moved the snapshot pointer`);
  }
  return tally;
}
