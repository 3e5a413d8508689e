import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startHistoryServer } from '../../bench/history-server';
import { replayHistory } from '../../bench/replay-history';
import { startTestStorage, type TestStorage } from '../support/azurite';
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
