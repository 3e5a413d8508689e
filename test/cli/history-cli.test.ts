import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startReadApi } from '../../cli/serve-command';
import type { HistoryPage, RecordedReview, ReviewTrail } from '../../shared/history';
import { readLatest } from '../../shared/reports';
import { startTestStorage, type TestStorage } from '../support/azurite';
import { threeChanges } from '../support/change-history';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { runCli } from '../support/run-cli';

let storage: TestStorage;
let server: NoticeServer;
let storageArgs: string[];
/** Oldest first. */
let reports: string[];

beforeAll(async () => {
  [storage, server] = await Promise.all([startTestStorage(), startNoticeServer()]);
  storageArgs = ['--storage', storage.azurite.connectionString];
  const dir = mkdtempSync(join(tmpdir(), 'nw-history-cli-'));
  const watchlist = join(dir, 'watchlist.json');
  writeFileSync(
    watchlist,
    JSON.stringify({ notices: [{ id: 'cli-history', url: `${server.origin}/cli/history.md`, format: 'markdown' }] }),
  );
  // A baseline and three changes, each found by a real `noticewatch drift`.
  reports = [];
  for (const text of threeChanges()) {
    server.setText('/cli/history.md', text);
    const run = await runCli(['drift', '--watchlist', watchlist, '--json', '--timeout', '2000', ...storageArgs]);
    const result = JSON.parse(run.stdout).notices[0];
    if (result.status === 'changed') reports.push(result.report);
  }
});
afterAll(async () => {
  await Promise.all([storage?.stop(), server?.close()]);
});

describe('noticewatch history', () => {
  it('pages the history as JSON, newest first', async () => {
    expect(reports).toHaveLength(3);
    const first = await runCli(['history', 'cli-history', '--limit', '2', '--json', ...storageArgs]);
    expect(first.code).toBe(0);
    const page = JSON.parse(first.stdout) as HistoryPage;
    expect(page).toMatchObject({ notice: 'cli-history', changes: 3, pendingReview: 3, next: reports[1] });
    expect(page.entries.map((entry) => [entry.change, entry.kind])).toEqual([
      [3, 'new-wording'],
      [2, 'metadata-only'],
    ]);
    const second = await runCli([
      'history',
      'cli-history',
      '--limit',
      '2',
      '--before',
      page.next!,
      '--json',
      ...storageArgs,
    ]);
    expect((JSON.parse(second.stdout) as HistoryPage).entries.map((entry) => entry.report)).toEqual([reports[0]]);
  });

  it('prints a readable history with the command for the older page', async () => {
    const result = await runCli(['history', 'cli-history', '--limit', '2', ...storageArgs]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('cli-history: 3 change(s), 3 pending review');
    expect(result.stdout).toMatch(
      /#3\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\s+new wording\s+\+1\/-1 lines, 1 section\(s\)\s+not reviewed/,
    );
    expect(result.stdout).toMatch(/#2 .*metadata only/);
    expect(result.stdout).toContain(`older: noticewatch history cli-history --limit 2 --before ${reports[1]}`);
  });

  it('exits 2 with a reason for an unknown notice or a bad option', async () => {
    const unknown = await runCli(['history', 'nobody', '--json', ...storageArgs]);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error: { code: 'NOTICE_NOT_FOUND' } });
    const limit = await runCli(['history', 'cli-history', '--limit', '0', ...storageArgs]);
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('--limit must be a whole number from 1 to 100');
    const misplaced = await runCli(['history', 'cli-history', '--status', 'acknowledged', ...storageArgs]);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain('--status applies to review, not history');
    const missing = await runCli(['history']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('history takes one notice id');
  });
});

describe('noticewatch review and reviews', () => {
  it('acknowledges the first change: two stay pending, and the trail reads back', async () => {
    const result = await runCli([
      'review',
      reports[0],
      '--status',
      'acknowledged',
      '--note',
      'Retention doubled; legal agreed.',
      '--reviewer',
      'Alice',
      '--json',
      ...storageArgs,
    ]);
    expect(result.code).toBe(0);
    const recorded = JSON.parse(result.stdout) as RecordedReview;
    expect(recorded).toMatchObject({
      pendingReview: 2,
      review: { change: 1, status: 'acknowledged', reviewer: 'Alice', via: 'cli', identity: 'declared' },
    });
    const latest = await readLatest(storage.store);
    expect(latest.ok && latest.value.notices['cli-history'].pendingReview).toBe(2);

    const human = await runCli(['review', reports[2], '--status', 'needs-action', '--reviewer', 'Bob', ...storageArgs]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Recorded: needs-action by Bob for change #3 of cli-history');
    expect(human.stdout).toContain('2 change(s) of cli-history pending review');

    const trail = await runCli(['reviews', reports[0], '--json', ...storageArgs]);
    expect((JSON.parse(trail.stdout) as ReviewTrail).reviews.map((review) => review.note)).toEqual([
      'Retention doubled; legal agreed.',
    ]);
    const readable = await runCli(['reviews', reports[0], ...storageArgs]);
    expect(readable.stdout).toMatch(/acknowledged\s+Alice \(declared\)\n {4}Retention doubled; legal agreed\./);

    const history = await runCli(['history', 'cli-history', ...storageArgs]);
    expect(history.stdout).toContain('3 change(s), 2 pending review (reviewed through change #1)');
    expect(history.stdout).toMatch(/#1 .*acknowledged by Alice/);
    expect(history.stdout).toMatch(/#3 .*needs-action by Bob/);
  });

  it('names the allowed statuses and exits 2 on a bad review', async () => {
    const bad = await runCli(['review', reports[0], '--status', 'approved', '--reviewer', 'a', ...storageArgs]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('status must be one of acknowledged, not-material, needs-action');
    const noStatus = await runCli(['review', reports[0]]);
    expect(noStatus.code).toBe(2);
    expect(noStatus.stderr).toContain('review needs --status');
    const unknown = await runCli([
      'review',
      reports[0].replace(/\.json$/, 'x.json'),
      '--status',
      'acknowledged',
      '--json',
      ...storageArgs,
    ]);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error: { code: 'REPORT_NOT_FOUND' } });
  });
});

describe('noticewatch serve', () => {
  it('serves the history, records a review posted by the dashboard, and serves the trail', async () => {
    const server = await startReadApi(storage.store, { host: '127.0.0.1', port: 0, log: () => undefined });
    if (!server.ok) throw new Error(server.problem.message);
    try {
      const origin = server.value.origin;
      const history = await fetch(`${origin}/api/reports/notices/cli-history?limit=1`);
      expect(history.status).toBe(200);
      const page = (await history.json()) as HistoryPage;
      expect(page.entries.map((entry) => entry.change)).toEqual([3]);

      const posted = await fetch(`${origin}/api/reviews`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ report: reports[1], status: 'not-material', reviewer: 'Dana', note: 'Date only.' }),
      });
      expect(posted.status).toBe(201);
      expect(((await posted.json()) as RecordedReview).review).toMatchObject({ change: 2, reviewer: 'Dana' });

      const trail = await fetch(`${origin}/api/reviews/${reports[1]}`);
      expect(((await trail.json()) as ReviewTrail).reviews.map((review) => review.note)).toEqual(['Date only.']);
      const since = await fetch(`${origin}/api/reports/notices/cli-history/since-review`);
      expect(((await since.json()) as { from: { change: number } }).from.change).toBe(2);
    } finally {
      await server.value.close();
    }
  });
});
