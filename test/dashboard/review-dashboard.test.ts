import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeDashboardHttpHandler } from '../../functions/dashboard-http';
import { makeNoticeHistoryHandler } from '../../functions/history-http';
import { makeReportsHttpHandler } from '../../functions/reports-http';
import { makeReviewsHttpHandler } from '../../functions/reviews-http';
import { readLatest } from '../../shared/reports';
import { MemoryObjectStore } from '../../shared/storage';
import { runSteps, threeChanges } from '../support/change-history';
import { testDeps } from '../support/function-harness';
import { type NoticeServer, startNoticeServer } from '../support/notice-server';
import { noticeV1 } from '../support/sample-notices';
import { type FunctionServer, startFunctionServer } from './function-server';
import { cspViolations, openWatchedPage, type WatchedPage } from './watched-page';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM)
  console.warn(`review dashboard test skipped: ${CHROMIUM} not found (apt-get install chromium; CI installs it).`);

const KEY = 'review-key_0123456789==';
const SCREENSHOT = join(tmpdir(), 'noticewatch-dashboard', 'review.png');
/** A reviewer's note is read by the next reviewer: markup in it must be shown, never run. */
const HOSTILE_NOTE = 'Fine by legal <img src=x onerror="window.__xss=5"> <script>window.__xss=6</script>';
const BUSY_CHANGES = 12;

let browser: Browser;
let notices: NoticeServer;
let functions: FunctionServer;
const store = new MemoryObjectStore();

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  notices = await startNoticeServer();
  // Real runs: contoso-insights changes three times (new wording, metadata only, new wording);
  // busy-notice changes twelve times, more than one page of the dashboard's timeline.
  const busy = Array.from({ length: BUSY_CHANGES + 1 }, (_, step) =>
    noticeV1().replace('We keep activity data for 90 days.', `We keep activity data for ${90 + step} days.`),
  );
  await runSteps(
    store,
    notices,
    { 'contoso-insights': threeChanges(), 'busy-notice': busy },
    new Date('2026-11-01T06:00:00.000Z'),
  );
  const deps = testDeps(store, { notices: [] });
  functions = await startFunctionServer(
    [
      { route: 'reports', param: 'name', handler: makeReportsHttpHandler(deps) },
      {
        route: 'reports/notices',
        param: 'id',
        params: (rest) => {
          const [id, view] = rest.split('/');
          return { id: id ?? '', ...(view ? { view } : {}) };
        },
        handler: makeNoticeHistoryHandler(deps),
      },
      { route: 'reviews', param: 'report', handler: makeReviewsHttpHandler(deps) },
      { route: 'dashboard', param: 'file', handler: makeDashboardHttpHandler() },
    ],
    { functionKey: KEY },
  );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await Promise.all([browser?.close(), functions?.close(), notices?.close()]);
});

async function open(): Promise<WatchedPage> {
  const watched = await openWatchedPage(browser, `${functions.origin}/api/dashboard/?code=${encodeURIComponent(KEY)}`, {
    width: 1440,
    height: 1000,
  });
  await watched.page.waitForSelector('body[data-state="loaded"]');
  return watched;
}

/** Evaluated in the page, where `window` is the page's global. */
function pageGlobal<T>(page: Page, name: string): Promise<T> {
  return page.evaluate((key) => (globalThis as unknown as Record<string, T>)[key], name);
}

async function timeline(page: Page): Promise<Array<[string | null, string | null, string | null]>> {
  return page
    .locator('#timeline .timeline-entry')
    .evaluateAll((buttons) =>
      buttons.map((button) => [
        button.getAttribute('data-change'),
        button.getAttribute('aria-current'),
        button.querySelector('.timeline-review .badge')?.textContent ?? null,
      ]),
    );
}

async function texts(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).allTextContents()).join('|');
}

describe('reviewing changes in the dashboard', () => {
  it.skipIf(!HAVE_CHROMIUM)(
    'pages the timeline, shows word highlights in both layouts, moves by keyboard, and acknowledging lowers pendingReview',
    async () => {
      const { page, problems } = await open();
      const row = page.locator('tr[data-notice-id="contoso-insights"]');
      await expect.poll(() => row.locator('.cell-review').getAttribute('data-pending')).toBe('3');
      expect(await row.locator('.cell-review').textContent()).toBe('3 to review');
      expect(await page.locator('#count-pending').textContent()).toBe(String(3 + BUSY_CHANGES));

      // The last change opens with the notice's timeline, newest first.
      await page.getByRole('button', { name: 'View last change of contoso-insights' }).click();
      await page.waitForSelector('#diff');
      await expect
        .poll(() => timeline(page))
        .toEqual([
          ['3', 'true', 'Not reviewed'],
          ['2', 'false', 'Not reviewed'],
          ['1', 'false', 'Not reviewed'],
        ]);
      expect(await page.locator('#change-heading').textContent()).toBe('Last change of contoso-insights');
      expect(await page.locator('#timeline-summary').textContent()).toBe('3 changes, 3 waiting for review');
      // Word highlights inside the changed lines, from the report's wordChanges.
      await expect.poll(() => texts(page, '#diff ins.word-add')).toMatch(/churn/);
      expect(await texts(page, '#diff ins.word-add')).toMatch(/partners/);
      expect(await page.locator('#diff .diff-add').allTextContents()).toContain(
        '+We use data to compute engagement and churn scores for your sellers and partners.',
      );

      // Clicking the oldest entry opens it.
      await page.locator('.timeline-entry[data-change="1"]').click();
      await expect.poll(() => page.locator('#change-heading').textContent()).toBe('Change #1 of contoso-insights');
      await expect.poll(() => texts(page, '#diff del.word-del')).toContain('90');
      expect(await texts(page, '#diff ins.word-add')).toContain('180');

      // Side by side, with the same highlights; `u` goes back to unified.
      await page.getByRole('button', { name: 'Side by side' }).click();
      await page.waitForSelector('#diff-split');
      expect(await texts(page, '#diff-split del.word-del')).toContain('90');
      expect(await texts(page, '#diff-split ins.word-add')).toContain('180');
      expect(await page.locator('#diff-split .split-del').first().textContent()).toBe(
        'We keep activity data for 90 days.',
      );
      mkdirSync(join(tmpdir(), 'noticewatch-dashboard'), { recursive: true });
      await page.locator('#change-panel').screenshot({ path: SCREENSHOT.replace('review.png', 'side-by-side.png') });
      await page.keyboard.press('u');
      await page.waitForSelector('#diff');
      expect(await page.locator('#diff-split').count()).toBe(0);

      // Keyboard: k is the newer change, j the older.
      await page.locator('.timeline-entry[data-change="1"]').focus();
      await page.keyboard.press('k');
      await expect.poll(() => page.locator('#change-heading').textContent()).toBe('Change #2 of contoso-insights');
      await page.keyboard.press('k');
      await expect.poll(() => page.locator('#change-heading').textContent()).toBe('Last change of contoso-insights');
      await page.keyboard.press('j');
      await expect.poll(() => page.locator('#change-heading').textContent()).toBe('Change #2 of contoso-insights');
      expect(await page.locator('#change-meta').textContent()).toContain('Metadata only');
      await page.keyboard.press('j');
      await expect.poll(() => page.locator('#change-heading').textContent()).toBe('Change #1 of contoso-insights');

      // Acknowledge the first change, with a note that carries markup.
      await expect.poll(() => page.locator('#review-state').textContent()).toBe('Not reviewed yet.');
      await page.locator('#review-note').fill(HOSTILE_NOTE);
      await page.locator('#reviewer-name').fill('Alice Reviewer');
      await page.getByRole('button', { name: 'Acknowledge' }).click();
      await expect
        .poll(() => page.locator('#review-result').textContent())
        .toBe('Recorded: Acknowledged. 2 changes of this notice waiting for review.');
      await expect.poll(() => row.locator('.cell-review').getAttribute('data-pending')).toBe('2');
      expect(await row.locator('.cell-review').textContent()).toBe('2 to review');
      await expect.poll(() => page.locator('#count-pending').textContent()).toBe(String(2 + BUSY_CHANGES));
      await expect
        .poll(() => timeline(page))
        .toEqual([
          ['3', 'false', 'Not reviewed'],
          ['2', 'false', 'Not reviewed'],
          ['1', 'true', 'Acknowledged'],
        ]);
      expect(await page.locator('#timeline-summary').textContent()).toBe(
        '3 changes, 2 waiting for review (reviewed through #1)',
      );
      await expect.poll(() => page.locator('#review-trail li').count()).toBe(1);
      expect(await page.locator('#review-trail .review-note').textContent()).toBe(HOSTILE_NOTE);
      expect(await page.locator('#review-trail .review-who').textContent()).toBe('Alice Reviewer');
      expect(await page.locator('#review-state').textContent()).toMatch(/^Acknowledged by Alice Reviewer, /);
      await page.waitForTimeout(200); // an injected <img onerror> would have fired by now
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('script').count()).toBe(1);
      expect(await pageGlobal(page, '__xss')).toBeUndefined();
      // The API agrees: latest.json says two changes still need a person.
      const latest = await readLatest(store);
      expect(latest.ok && latest.value.notices['contoso-insights'].pendingReview).toBe(2);

      // Changes since the last review: from change #1's version to the newest, in one diff.
      await page.getByRole('button', { name: 'Changes since the last review' }).click();
      await expect
        .poll(() => page.locator('#change-heading').textContent())
        .toBe('Changes since the last review of contoso-insights');
      await page.waitForSelector('#diff');
      expect(await page.locator('#change-meta').textContent()).toContain('Change #1 (Acknowledged');
      expect(await page.locator('#change-meta').textContent()).toContain('Changes in between2');
      const since = await page.locator('#diff .diff-add').allTextContents();
      expect(since).toEqual(
        expect.arrayContaining([
          '+ms.date: 05/02/2026',
          '+We use data to compute engagement and churn scores for your sellers and partners.',
        ]),
      );
      expect(since.join('\n')).not.toContain('180 days');
      expect(await timeline(page)).toEqual([
        ['3', 'false', 'Not reviewed'],
        ['2', 'false', 'Not reviewed'],
        ['1', 'false', 'Acknowledged'],
      ]);
      await page.locator('#change-panel').screenshot({ path: SCREENSHOT.replace('review.png', 'since-review.png') });

      // Back from holiday: one review from this view clears the newest change and everything before it.
      expect(await page.locator('#review-state').textContent()).toContain('review of change #3, the newest');
      expect(await page.locator('#reviewer-name').inputValue()).toBe('Alice Reviewer'); // remembered
      await page.getByRole('button', { name: 'Not material' }).click();
      await expect
        .poll(() => page.locator('#change-body .banner').textContent())
        .toBe('Nothing has changed since the last review.');
      await expect.poll(() => row.locator('.cell-review').textContent()).toBe('Reviewed');
      await expect
        .poll(() => timeline(page))
        .toEqual([
          ['3', 'false', 'Not material'],
          ['2', 'false', 'Not reviewed'],
          ['1', 'false', 'Acknowledged'],
        ]);
      expect(await page.locator('#review-box').isVisible()).toBe(false);

      await page.locator('.timeline-entry[data-change="1"]').click();
      await expect.poll(() => page.locator('#review-trail li').count()).toBe(1);
      await page.locator('#change-panel').screenshot({ path: SCREENSHOT });
      console.log(`review screenshot: ${SCREENSHOT}`);

      expect(functions.errors).toEqual([]);
      expect(problems).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
      await page.context().close();
    },
    90_000,
  );

  it.skipIf(!HAVE_CHROMIUM)(
    'pages a long timeline with "Older changes"',
    async () => {
      const { page, problems } = await open();
      await page.getByRole('button', { name: 'View last change of busy-notice' }).click();
      await expect.poll(() => page.locator('#timeline .timeline-entry').count()).toBe(10);
      expect(await page.locator('#timeline-more').isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Older changes' }).click();
      await expect.poll(() => page.locator('#timeline .timeline-entry').count()).toBe(BUSY_CHANGES);
      expect(await page.locator('#timeline-more').isVisible()).toBe(false);
      const numbers = await page
        .locator('#timeline .timeline-entry')
        .evaluateAll((buttons) => buttons.map((button) => Number(button.getAttribute('data-change'))));
      expect(numbers).toEqual(Array.from({ length: BUSY_CHANGES }, (_, index) => BUSY_CHANGES - index));
      // The oldest, from the second page, opens like any other.
      await page.locator('.timeline-entry[data-change="1"]').click();
      await expect.poll(() => page.locator('#change-heading').textContent()).toBe('Change #1 of busy-notice');
      await expect.poll(() => texts(page, '#diff ins.word-add')).toContain('91');
      expect(problems).toEqual([]);
      await page.context().close();
    },
    60_000,
  );
});
