import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startHistoryServer } from '../../bench/history-server';
import { replayHistory } from '../../bench/replay-history';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { JUNK, POLICY_EN, POLICY_LONG, REAL_CHANGES } from '../support/plausibility-fixtures';
import { ERROR_PAGE, noticeV1, noticeV2, noticeV3 } from '../support/sample-notices';

let storage: TestStorage;
let server: Awaited<ReturnType<typeof startHistoryServer>>;
beforeAll(async () => {
  [storage, server] = await Promise.all([startTestStorage(), startHistoryServer()]);
});
afterAll(async () => {
  await Promise.all([storage?.stop(), server?.close()]);
});

describe('replaying a published history through a local server', () => {
  it('gives one change per real change, unchanged re-fetches, errors for failed fetches and exact diffs', async () => {
    const history = [
      noticeV1(),
      noticeV1().replace(/\n/g, '\r\n'), // republished with other line endings: not a change
      noticeV2(),
      ERROR_PAGE, // the CDN served an error page with 200
      noticeV3(), // metadata-only change against v2, the last good version
      noticeV2(), // back to a version seen before
      noticeV2().replace('Fabrikam', 'Fabrikam Ltd.'),
    ];
    const tally = await replayHistory('fixture-history', history, storage.store, server, 'fixture');
    expect(tally.violations).toEqual([]);
    expect(tally).toMatchObject({
      versions: 7,
      baseline: 1,
      changed: 4,
      unchanged: 1,
      errors: 1,
      recurrences: 1,
      injectedFailures: 7,
    });
    expect(tally.suspect).toHaveLength(1);
    expect(tally.suspect[0].version).toBe(3);
  });
});

describe('replaying histories with every kind of junk and every kind of real change (our own writing)', () => {
  it('refuses each junk version and reports each real change on the version it appears', async () => {
    const history: string[] = [POLICY_LONG];
    const junkVersions: number[] = [];
    const realVersions: number[] = [];
    const add = (body: string, kind: 'junk' | 'real' | 'same') => {
      history.push(body);
      if (kind === 'junk') junkVersions.push(history.length - 1);
      if (kind === 'real') realVersions.push(history.length - 1);
    };
    for (const junk of JUNK.filter((entry) => entry.previous === POLICY_LONG)) add(junk.body, 'junk');
    add(POLICY_EN, 'real');
    for (const junk of JUNK.filter((entry) => entry.previous === undefined)) add(junk.body, 'junk');
    let current = POLICY_EN;
    for (const change of REAL_CHANGES) {
      if (change.before !== current) add(change.before, 'real');
      add(change.after, 'real');
      current = change.after;
    }

    const tally = await replayHistory('fixture-kinds', history, storage.store, server, 'kinds');
    expect(tally.violations).toEqual([]);
    expect(tally.suspect.map((entry) => entry.version)).toEqual(junkVersions);
    expect(tally.changed).toBe(realVersions.length);
    expect(tally.baseline).toBe(1);
  });
});
