import { describe, expect, it } from 'vitest';

import { documentFromSnapshotText } from '../../shared/notices';
import { decide, type DecisionContext, type FetchedNotice } from '../../shared/runs/decide-notice';
import type { NoticePointer } from '../../shared/runs/notice-pointer';
import { ERROR_PAGE, noticeV1, noticeV2 } from '../support/sample-notices';

function fetched(text: string, hash: string): FetchedNotice {
  return {
    kind: 'fetched',
    raw: Buffer.from(text),
    contentType: 'text/markdown',
    finalUrl: 'https://example.test/n.md',
    etag: '"e1"',
    lastModified: null,
    includeUrls: [],
    document: documentFromSnapshotText(text),
    hash,
  };
}

function context(text: string, hash: string, previous?: string): DecisionContext {
  return {
    notice: { id: 'n', url: 'https://example.test/n.md', format: 'markdown' },
    run: { runId: '20261129T060000Z-abc', startedAt: '2026-11-29T06:00:00.000Z' },
    fetched: fetched(text, hash),
    previous: previous === undefined ? undefined : documentFromSnapshotText(previous),
    names: { raw: 'n/raw', snapshot: `n/${hash}.md`, report: 'drift/2026/11/29/n/20261129T060000Z-abc.json' },
    seenAt: '2026-11-29T06:00:01.000Z',
    suspectRunsToAccept: 3,
  };
}

function pointerAt(hash: string): NoticePointer {
  return decide(context(noticeV1(), hash), null).pointer!;
}

describe('decide', () => {
  it('makes a first version a baseline, with the evidence to write before the pointer moves', () => {
    const decision = decide(context(noticeV1(), 'h1'), null);
    expect(decision.outcome).toMatchObject({ status: 'baseline', previousSnapshot: null, currentSnapshot: 'n/h1.md' });
    expect(decision.outcome).not.toHaveProperty('sections');
    expect(decision.evidence).toEqual({
      raw: { name: 'n/raw', bytes: Buffer.from(noticeV1()), contentType: 'text/markdown' },
      snapshot: { name: 'n/h1.md', text: documentFromSnapshotText(noticeV1()).text },
    });
    expect(decision.pointer?.lastGood).toMatchObject({ hash: 'h1', snapshot: 'n/h1.md', etag: '"e1"' });
  });

  it('reads nothing and writes nothing for the same version served again', () => {
    const decision = decide(context(noticeV1(), 'h1'), pointerAt('h1'));
    expect(decision).toEqual({
      outcome: expect.objectContaining({ status: 'unchanged', currentSnapshot: 'n/h1.md' }),
      pointer: null,
      evidence: null,
    });
  });

  it('makes a new version a change against the previous snapshot', () => {
    const decision = decide(context(noticeV2(), 'h2', noticeV1()), pointerAt('h1'));
    expect(decision.outcome).toMatchObject({ status: 'changed', previousSnapshot: 'n/h1.md', substantive: true });
    expect(decision.evidence?.snapshot.name).toBe('n/h2.md');
    expect(decision.pointer?.lastChange).toMatchObject({ previousSnapshot: 'n/h1.md', reportWritten: false });
  });

  it('keeps a suspect body out of the evidence and counts it on the pointer', () => {
    const decision = decide(context(ERROR_PAGE, 'bad', noticeV1()), pointerAt('h1'));
    expect(decision.outcome).toMatchObject({ status: 'error', error: { code: 'SUSPECT_BODY' } });
    expect(decision.evidence).toBeNull();
    expect(decision.pointer?.suspect).toMatchObject({ hash: 'bad', count: 1 });
    expect(decision.pointer?.lastGood?.hash).toBe('h1');
  });
});
