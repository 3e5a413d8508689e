import { describe, expect, it } from 'vitest';

import { describeHeldBody, describeNotice } from '../../cli/cli-output';
import type { ErrorResult } from '../../shared/reports';

const held: ErrorResult = {
  id: 'wingtip-bikes',
  url: 'https://wingtip.example/privacy.md',
  runId: '20261201T060000Z-cli',
  checkedAt: '2026-12-01T06:00:01.000Z',
  durationMs: 12,
  status: 'error',
  error: { code: 'SUSPECT_BODY', message: 'The body is a heading alone. Held for review, not treated as a change.' },
  heldForReview: {
    signal: 'empty',
    reason: 'The body is a heading alone ("Wingtip Bikes privacy notice", 25 letters).',
    figures: { letters: 25, headingLetters: 25 },
    firstLines: ['Wingtip Bikes privacy notice', '============================'],
    hash: 'b'.repeat(64),
    seen: 2,
    needed: 3,
    firstSeen: '2026-11-30T18:00:01.000Z',
  },
  previousSnapshot: 'wingtip-bikes/' + 'c'.repeat(64) + '.md',
  currentSnapshot: null,
  rawSnapshot: null,
  report: null,
};

describe('the run summary', () => {
  it('shows a held body at once: why, how many runs, and its first lines', () => {
    expect(describeNotice(held)).toBe(
      'HELD      wingtip-bikes: held for review [empty] The body is a heading alone ("Wingtip Bikes privacy notice", 25 letters). (seen 2 of 3 runs; accepted as a change at 3)',
    );
    expect(describeHeldBody(held)).toEqual([
      '    first lines of the held body:',
      '    | Wingtip Bikes privacy notice',
      '    | ============================',
    ]);
  });

  it('says a body is still held when a later fetch fails', () => {
    const failed: ErrorResult = { ...held, error: { code: 'HTTP_STATUS', message: 'answered HTTP 503' } };
    expect(describeNotice(failed)).toBe(
      'ERROR     wingtip-bikes: [HTTP_STATUS] answered HTTP 503 (a body is still held for review: empty)',
    );
  });
});
