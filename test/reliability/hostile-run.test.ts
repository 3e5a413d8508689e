import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { NoticeConfig } from '../../shared/config';
import { type DriftRunSummary, newRunId, runDrift } from '../../shared/runs';
import { startTestStorage, type TestStorage } from '../support/azurite';
import {
  AT_THE_CAP,
  HOSTILE_HTML_CONVERTED,
  HOSTILE_HTML_REFUSED,
  HOSTILE_MARKDOWN,
  type HostileShape,
} from '../support/hostile-text';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { recordFault } from '../support/reliability-tally';
import { noticeV1 } from '../support/sample-notices';
import { watchForCrashes } from './helpers/drift-harness';

/**
 * A run's deadlines are timers, and a timer cannot fire while the thread is busy: one notice whose
 * text takes minutes to process would hold the whole run past every deadline. With every step on
 * fetched text linear and done in slices, a run with 5 MiB hostile bodies ends in time, and the
 * innocent notice beside them is checked.
 */

let storage: TestStorage;
let server: NoticeServer;
const crashes = watchForCrashes();

beforeAll(async () => {
  [storage, server] = await Promise.all([startTestStorage(), startNoticeServer()]);
});
afterAll(async () => {
  crashes.stop();
  await Promise.all([storage?.stop(), server?.close()]);
});

const pick = (shapes: readonly HostileShape[], names: string[]) => shapes.filter((shape) => names.includes(shape.name));
const HOSTILE: HostileShape[] = [
  ...pick(HOSTILE_MARKDOWN, [
    'link openers `[a](`',
    'one line of spaces then text',
    'ATX heading of unclosed emphasis `_x `',
    'setext heading of a huge paragraph',
  ]),
  ...pick(HOSTILE_HTML_CONVERTED, ['paragraphs', '<pre> of half a megabyte of spaces', '<br> runs']),
  ...pick(HOSTILE_HTML_REFUSED, ['20,000 nested <div>', 'unclosed <div>']),
];

/** Serves every hostile body at 5 MiB and the innocent notice; returns the watchlist, the innocent notice first or last. */
function watchlist(prefix: string, innocentFirst: boolean): NoticeConfig[] {
  const hostile = HOSTILE.map((shape, index): NoticeConfig => {
    const path = `/${prefix}/hostile-${index}`;
    const body = shape.make(AT_THE_CAP);
    const contentType = shape.format === 'html' ? 'text/html; charset=utf-8' : 'text/markdown; charset=utf-8';
    server.set(path, (_request, response) => response.writeHead(200, { 'content-type': contentType }).end(body));
    return { id: `${prefix}-hostile-${index}`, url: `${server.origin}${path}`, format: shape.format };
  });
  server.setText(`/${prefix}/innocent.md`, noticeV1());
  const innocent: NoticeConfig = {
    id: `${prefix}-innocent`,
    url: `${server.origin}/${prefix}/innocent.md`,
    format: 'markdown',
  };
  return innocentFirst ? [innocent, ...hostile] : [...hostile, innocent];
}

/** Runs with a probe timer that measures how late timers fire while the run works. */
async function runWithProbe(list: NoticeConfig[], suffix: string, budgetMs: number, hardMs: number, concurrency = 4) {
  let lastTick = performance.now();
  let longestGap = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - lastTick);
    lastTick = now;
  }, 50);
  const startedAt = new Date();
  let summary: DriftRunSummary;
  try {
    summary = await runDrift(storage.store, list, {
      runId: newRunId(startedAt, suffix),
      startedAt,
      deadline: startedAt.getTime() + budgetMs,
      hardDeadline: startedAt.getTime() + hardMs,
      concurrency,
      fetchOptions: { timeoutMs: 60_000, retries: 0 },
    });
  } finally {
    clearInterval(probe);
  }
  return { summary, elapsedMs: Date.now() - startedAt.getTime(), longestGap };
}

const EXPECTED_CODES = ['SUSPECT_BODY', 'HTML_TOO_DEEP', 'HTML_TOO_COMPLEX', 'CANCELLED'];

describe('a run with 5 MiB hostile bodies beside an innocent notice', () => {
  it(
    'ends within its deadline with every notice checked, the innocent one included',
    { timeout: 240_000 },
    async () => {
      const list = watchlist('all', false);
      const { summary, elapsedMs, longestGap } = await runWithProbe(list, 'hostile-all', 120_000, 180_000);

      expect(elapsedMs).toBeLessThan(180_000);
      expect(summary.notReached).toEqual([]);
      const innocent = summary.notices.find((result) => result.id === 'all-innocent');
      expect(innocent?.status).toBe('baseline');
      for (const result of summary.notices.filter((r) => r.id !== 'all-innocent')) {
        expect(['baseline', 'error'], `${result.id}: ${JSON.stringify(result.error)}`).toContain(result.status);
        if (result.status === 'error') expect(EXPECTED_CODES).toContain(result.error?.code);
      }
      // The work came in slices: timers were never held up for long.
      expect(longestGap).toBeLessThan(5_000);
      expect(crashes.seen).toEqual([]);
      recordFault('5 MiB hostile bodies beside an innocent notice: the run ends in time');
    },
  );

  it(
    'returns by its hard deadline when the hostile work outlasts it, having checked the innocent notice',
    { timeout: 120_000 },
    async () => {
      // On a fast machine every CPU-hostile body is done in a few seconds, before the hard deadline;
      // one hostile body that arrives at a trickle keeps work in flight past it, so the run must
      // abandon it and return on time, whatever the machine's speed.
      const trickled = AT_THE_CAP;
      server.set('/tight/trickle', (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8', 'content-length': String(trickled) });
        let sent = 0;
        const timer = setInterval(() => {
          if (response.destroyed || sent >= trickled) return clearInterval(timer);
          const chunk = Math.min(4_096, trickled - sent);
          response.write('a'.repeat(chunk));
          sent += chunk;
        }, 100);
        response.on('close', () => clearInterval(timer));
      });
      const trickle: NoticeConfig = { id: 'tight-trickle', url: `${server.origin}/tight/trickle`, format: 'markdown' };
      const [innocent, ...hostile] = watchlist('tight', true);
      const list = [innocent, trickle, ...hostile];
      const { summary, elapsedMs, longestGap } = await runWithProbe(list, 'hostile-tight', 2_000, 8_000);

      // The hard deadline (4 s) plus a slice of work and the closing writes.
      expect(elapsedMs).toBeLessThan(4_000 + 5_000);
      expect(summary.notices.find((result) => result.id === 'tight-innocent')?.status).toBe('baseline');
      const unfinished =
        summary.notReached.length + summary.notices.filter((r) => r.error?.code === 'CANCELLED').length;
      expect(unfinished).toBeGreaterThan(0);
      expect(summary.problems.map((problem) => problem.code)).toContain('RUN_DEADLINE');
      expect(summary.abandoned).toContain('tight-trickle');
      expect(longestGap).toBeLessThan(5_000);
      recordFault('hostile work past the hard deadline: the run returns on time');
    },
  );
});
