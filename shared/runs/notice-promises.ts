import { extractClaims, type NoticePromises, promisesOf } from '../claims';
import type { Problem } from '../common/result';
import type { EndpointConfig } from '../config/types';
import { documentFromSnapshotText } from '../notices';
import type { LatestEndpointEntry } from '../reports';
import { CONTAINERS, type ObjectStore } from '../storage';
import type { TlsPromise } from '../tls';
import { readPointer } from './notice-pointer';

type ReadPromises = { readonly promises: NoticePromises } | { readonly problem: Problem };

/**
 * What a notice promises now, from its latest good version: the pointer keeps it (one blob read);
 * a pointer written before claims were extracted does not, and then the snapshot it names is read
 * and its claims extracted.
 */
async function readNoticePromises(store: ObjectStore, noticeId: string): Promise<ReadPromises> {
  const state = await readPointer(store, noticeId);
  if (!state.ok) return { problem: state.problem };
  const lastGood = state.value.pointer?.lastGood;
  if (!lastGood)
    return {
      problem: {
        code: 'NOTICE_NOT_CHECKED',
        message: `notice ${noticeId} has no good version yet; run a drift check of it first`,
      },
    };
  if (lastGood.promises) return { promises: lastGood.promises };
  const snapshot = await store.get(CONTAINERS.snapshots, lastGood.snapshot);
  if (!snapshot.ok) return { problem: snapshot.problem };
  if (!snapshot.value)
    return {
      problem: {
        code: 'SNAPSHOT_NOT_FOUND',
        message: `snapshot ${lastGood.snapshot} of notice ${noticeId} is missing`,
      },
    };
  return { promises: promisesOf(extractClaims(documentFromSnapshotText(snapshot.value.body.toString('utf8')))) };
}

/**
 * The TLS promises each endpoint must keep, by endpoint id, read once per linked notice. A promise
 * whose value differs from the one the endpoint's last check used (from latest.json) carries that
 * value as `previousValue`, so the report says the notice changed its promise.
 */
export async function linkedTlsPromises(
  store: ObjectStore,
  endpoints: readonly EndpointConfig[],
  previous: Readonly<Record<string, LatestEndpointEntry>>,
): Promise<Map<string, TlsPromise[]>> {
  const noticeIds = [...new Set(endpoints.flatMap((endpoint) => endpoint.notices ?? []))];
  const read = new Map(
    await Promise.all(noticeIds.map(async (id) => [id, await readNoticePromises(store, id)] as const)),
  );
  const byEndpoint = new Map<string, TlsPromise[]>();
  for (const endpoint of endpoints) {
    if (!endpoint.notices?.length) continue;
    const earlier = Object.values(previous).find((entry) => entry.id === endpoint.id)?.promises ?? null;
    byEndpoint.set(
      endpoint.id,
      endpoint.notices.map((notice): TlsPromise => {
        const found = read.get(notice)!;
        const value = 'promises' in found ? found.promises.tlsMinimum : null;
        const before = earlier?.find((promise) => promise.notice === notice);
        return {
          notice,
          claim: 'tlsMinimum',
          value,
          evidence: 'promises' in found ? found.promises.tlsEvidence : null,
          ...(before && before.value !== value ? { previousValue: before.value } : {}),
          ...('problem' in found ? { problem: found.problem } : {}),
        };
      }),
    );
  }
  return byEndpoint;
}
