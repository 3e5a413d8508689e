import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startReadApi } from '../../cli/serve-command';
import { makeDashboardHttpHandler } from '../../functions/dashboard-http';
import { makeReportsHttpHandler } from '../../functions/reports-http';
import { makeReviewsHttpHandler } from '../../functions/reviews-http';
import { MemoryObjectStore } from '../../shared/storage';
import { testDeps } from '../support/function-harness';
import { startFunctionServer } from './function-server';
import { type DashboardSeed, seedDashboard, XSS_IMG, XSS_SCRIPT } from './seed-dashboard';
import { cspViolations, openWatchedPage, type WatchedPage } from './watched-page';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM)
  console.warn(`dashboard browser test skipped: ${CHROMIUM} not found (apt-get install chromium; CI installs it).`);

/** A function key the stand-in host requires on every request, so the test proves the page forwards it. */
const KEY = 'test-key_0123456789==';

/** What serves the page and the API: the tests run the same against each. */
interface DashboardHost {
  readonly origin: string;
  /** Handlers that threw or logged an error; a test asserts this stays empty. */
  readonly errors: string[];
  close(): Promise<void>;
}

interface HostKind {
  readonly name: string;
  /** The key the page's URL carries, or null where none is needed. */
  readonly key: string | null;
  readonly screenshot: string;
  start(store: MemoryObjectStore): Promise<DashboardHost>;
}

const HOSTS: HostKind[] = [
  {
    name: 'behind the Functions host (a stand-in requiring a function key)',
    key: KEY,
    screenshot: join(tmpdir(), 'noticewatch-dashboard', 'dashboard.png'),
    start(store) {
      const deps = testDeps(store, { notices: [] });
      return startFunctionServer(
        [
          { route: 'reports', param: 'name', handler: makeReportsHttpHandler(deps) },
          { route: 'reviews', param: 'report', handler: makeReviewsHttpHandler(deps) },
          { route: 'dashboard', param: 'file', handler: makeDashboardHttpHandler() },
        ],
        { functionKey: KEY },
      );
    },
  },
  {
    name: 'behind noticewatch serve (loopback, no key)',
    key: null,
    screenshot: join(tmpdir(), 'noticewatch-dashboard', 'dashboard-serve.png'),
    async start(store) {
      const errors: string[] = [];
      const started = await startReadApi(store, {
        host: '127.0.0.1',
        port: 0,
        log: (level, message) => {
          if (level === 'error' || level === 'critical') errors.push(message);
        },
      });
      if (!started.ok) throw new Error(started.problem.message);
      return { origin: started.value.origin, errors, close: () => started.value.close() };
    },
  },
];

let browser: Browser;
let seededStore: MemoryObjectStore;
let seed: DashboardSeed;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  seededStore = new MemoryObjectStore();
  seed = await seedDashboard(seededStore);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
});

describe.each(HOSTS)('dashboard in a browser, $name', (host) => {
  const query = host.key ? `?code=${encodeURIComponent(host.key)}` : '';
  let seeded: DashboardHost;
  let empty: DashboardHost;

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) return;
    [seeded, empty] = await Promise.all([host.start(seededStore), host.start(new MemoryObjectStore())]);
  });
  afterAll(async () => {
    await Promise.all([seeded?.close(), empty?.close()]);
  });

  function open(server: DashboardHost, path = `/api/dashboard/${query}`): Promise<WatchedPage> {
    return openWatchedPage(browser, server.origin + path, { width: 1440, height: 900 });
  }

  it.skipIf(!HAVE_CHROMIUM)(
    'renders notices and endpoints, shows a change, and never runs markup from reports',
    async () => {
      const { page, problems, requests } = await open(seeded);
      await page.waitForSelector('body[data-state="loaded"]');

      // Notices: one row per entry of latest.json, changed first, each with its status badge.
      const notices = page.locator('#notices-table tbody tr');
      await expect.poll(() => notices.count()).toBe(7);
      const rows = await notices.evaluateAll((trs) =>
        trs.map((tr) => [tr.getAttribute('data-notice-id'), tr.querySelector('.badge')?.textContent]),
      );
      expect(rows).toEqual([
        ['contoso-insights', 'Changed'],
        ['wingtip-bikes', 'Held for review'],
        ['adventure-works', 'Error'],
        [seed.hostileNoticeId, 'Error'],
        ['tailspin-docs', 'Error'],
        ['northwind-app', 'Baseline'],
        ['fabrikam-portal', 'Unchanged'],
      ]);
      await expect.poll(() => page.locator('#count-changed').textContent()).toBe('1');
      await expect.poll(() => page.locator('#count-errors').textContent()).toBe('3');
      await expect.poll(() => page.locator('#count-held').textContent()).toBe('2');
      // A held body is seen at once: why it was held, and its first lines (markup shown as text).
      const held = page.locator('tr[data-notice-id="wingtip-bikes"]');
      expect(await held.locator('.held-signal').textContent()).toBe('error-page');
      expect(await held.textContent()).toContain('reads "page introuvable" (not found, fr)');
      expect(await held.textContent()).toContain('Seen in 1 of the 3 consecutive runs');
      expect(await held.locator('.held-lines').textContent()).toBe(
        `Erreur / Page introuvable\nRetour à l'accueil ${XSS_SCRIPT}`,
      );
      // A later failed fetch shows its error, with the body held before it still on view.
      const stillHeld = page.locator('tr[data-notice-id="adventure-works"]');
      expect(await stillHeld.locator('.code-chip').first().textContent()).toBe('FETCH_TIMEOUT');
      expect(await stillHeld.locator('.held-signal').textContent()).toBe('truncation');
      expect(await stillHeld.locator('.held-lines').textContent()).toBe(
        '# Adventure Works privacy notice\nWe collect your name and',
      );
      const tailspin = page.locator('tr[data-notice-id="tailspin-docs"]');
      expect(await tailspin.locator('.code-chip').textContent()).toBe('SUSPECT_BODY');
      expect(await tailspin.textContent()).toContain(XSS_SCRIPT);
      // A javascript: URL from a report is shown, never made a link.
      expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
      expect(await page.locator('#updated-at').textContent()).toBe('2026-11-29 06:05 UTC');

      // Endpoints: non-compliant first, protocol verdicts coloured by what they mean.
      const endpoints = await page.locator('#endpoints-table tbody tr').evaluateAll((trs) =>
        trs.map((tr) => ({
          id: tr.getAttribute('data-endpoint-id'),
          compliant: tr.querySelector('.badge')?.textContent,
          protocols: [...tr.querySelectorAll('td.proto')].map(
            (td) => `${td.getAttribute('data-protocol')}=${td.className.replace('proto ', '')}`,
          ),
          certificate: tr.querySelector('.cert-days')?.textContent ?? tr.querySelector('.cell-cert')?.textContent,
        })),
      );
      expect(endpoints).toEqual([
        {
          id: 'legacy-portal',
          compliant: 'No',
          protocols: [
            'SSLv3=proto-good',
            'TLSv1=proto-bad',
            'TLSv1.1=proto-bad',
            'TLSv1.2=proto-good',
            'TLSv1.3=proto-neutral',
          ],
          certificate: '12 days left',
        },
        {
          id: 'unreachable-gw',
          compliant: 'No',
          protocols: [
            'SSLv3=proto-unknown',
            'TLSv1=proto-unknown',
            'TLSv1.1=proto-unknown',
            'TLSv1.2=proto-unknown',
            'TLSv1.3=proto-unknown',
          ],
          certificate: 'No certificate',
        },
        {
          id: 'insights-api',
          compliant: 'Yes',
          protocols: [
            'SSLv3=proto-good',
            'TLSv1=proto-good',
            'TLSv1.1=proto-good',
            'TLSv1.2=proto-good',
            'TLSv1.3=proto-good',
          ],
          certificate: '92 days left',
        },
      ]);
      const legacy = page.locator('tr[data-endpoint-id="legacy-portal"]');
      expect(await legacy.locator('.severity').allTextContents()).toEqual(['high', 'high', 'warning']);
      expect(await legacy.textContent()).toContain('legacy-portal.example.test:8443');
      expect(await page.locator('tr[data-endpoint-id="unreachable-gw"]').textContent()).toContain('DNS_LOOKUP_FAILED');

      // The change: loaded from /api/reports/<lastChangeReport> on click.
      await page.getByRole('button', { name: 'View last change of contoso-insights' }).click();
      await page.waitForSelector('#diff');
      expect(await page.locator('#change-heading').textContent()).toBe('Last change of contoso-insights');
      expect(await page.locator('#change-meta').textContent()).toContain('Needed: medium severity');
      const added = await page.locator('#diff .diff-add').allTextContents();
      const removed = await page.locator('#diff .diff-del').allTextContents();
      expect(added).toEqual(
        expect.arrayContaining([
          '+We keep activity data for 180 days.',
          '+## Sharing with processors',
          '+ms.date: 05/02/2026',
        ]),
      );
      expect(removed).toEqual(expect.arrayContaining(['-We keep activity data for 90 days.', '-ms.date: 03/14/2026']));
      expect(await page.locator('#diff .diff-hunk').count()).toBeGreaterThan(0);
      const sections = await page
        .locator('#changed-sections li')
        .evaluateAll((items) =>
          items.map((li) => [li.getAttribute('data-change'), li.querySelector('.section-heading')?.textContent]),
        );
      expect(sections).toEqual(
        expect.arrayContaining([
          ['modified', `Contoso Insights privacy notice > Data we collect ${XSS_SCRIPT}`],
          ['added', 'Contoso Insights privacy notice > Sharing with processors'],
        ]),
      );
      const metadata = await page
        .locator('#metadata-changes tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(metadata).toEqual(expect.arrayContaining([['ms.date', '03/14/2026', '05/02/2026']]));
      expect(
        metadata.some((row) => row[0] === 'author' && String(row[2]).includes("<img src=x onerror='window.__xss=2'>")),
      ).toBe(true);

      // The markup was shown as text and nothing of it ran.
      await page.locator('#diff').scrollIntoViewIfNeeded();
      await page.waitForTimeout(200); // give any injected <img onerror> the chance to fire, which it must not
      expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('script').count()).toBe(1); // only dashboard.js
      await expect.poll(() => page.getByText(XSS_SCRIPT).first().isVisible()).toBe(true);
      expect(
        await page
          .locator(`tr[data-notice-id="${seed.hostileNoticeId.replace(/"/g, '\\"')}"] .notice-id`)
          .textContent(),
      ).toBe(`evil${XSS_IMG}`);

      // The key of the page's URL went with every request (the stand-in host would have refused it
      // otherwise); where the page has none, none is sent.
      const apiRequests = requests.filter((path) => path.startsWith('/api/'));
      expect(apiRequests.map((path) => path.split('?')[0])).toEqual(
        expect.arrayContaining([
          '/api/dashboard/dashboard.js',
          '/api/reports/latest',
          `/api/reports/${seed.changeReport}`,
        ]),
      );
      for (const path of apiRequests)
        expect([path, new URL(path, seeded.origin).searchParams.get('code')]).toEqual([path, host.key]);
      expect(seeded.errors).toEqual([]);
      expect(problems).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);

      mkdirSync(join(tmpdir(), 'noticewatch-dashboard'), { recursive: true });
      await page.screenshot({ path: host.screenshot, fullPage: true });
      console.log(`dashboard screenshot: ${host.screenshot}`);
      await page.context().close();
    },
    60_000,
  );

  it.skipIf(!HAVE_CHROMIUM)(
    "shows a notice's claims, how they changed, and which its endpoints keep",
    async () => {
      const { page, problems } = await open(seeded);
      await page.waitForSelector('body[data-state="loaded"]');
      await page.getByRole('button', { name: 'Claims of contoso-insights' }).click();
      await page.waitForSelector('#claims-table');
      expect(await page.locator('#claims-heading').textContent()).toBe('Claims of contoso-insights');
      const claims = await page
        .locator('#claims-table tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [
            tr.getAttribute('data-claim'),
            tr.querySelector('.claim-value')?.textContent,
            tr.querySelector('.badge')?.textContent,
          ]),
        );
      // legacy-portal accepts TLS 1.0 although the notice promises TLS 1.2: the promise is broken.
      expect(claims).toEqual([
        ['tlsMinimum', 'TLS 1.2 or higher', 'Broken'],
        ['encryption', 'in transit', 'Unverifiable'],
        ['retention', '180 days', 'Unverifiable'],
      ]);
      expect(await page.locator('#claims-table tr[data-claim="tlsMinimum"]').textContent()).toContain(
        'Not kept by legacy-portal.',
      );
      const changes = await page
        .locator('#claims-panel #claim-changes li')
        .evaluateAll((items) =>
          items.map((li) => [li.getAttribute('data-claim'), li.getAttribute('data-change'), li.textContent]),
        );
      expect(changes).toEqual([['retention', 'changed', expect.stringContaining('90 days → 180 days')]]);
      // The evidence heading carries the notice's markup: shown as text, never run.
      expect(changes[0][2]).toContain(XSS_SCRIPT);
      expect(await page.locator('#claims-panel h3').first().textContent()).toContain('medium severity');
      expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();

      // A notice with only a baseline shows its claims and no changes.
      await page.getByRole('button', { name: 'Claims of northwind-app' }).click();
      await expect.poll(() => page.locator('#claims-heading').textContent()).toBe('Claims of northwind-app');
      await page.waitForSelector('#claims-table');
      expect(await page.locator('#claims-panel #claim-changes').count()).toBe(0);
      expect(problems).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
      await page.context().close();
    },
    60_000,
  );

  it.skipIf(!HAVE_CHROMIUM)(
    'shows an empty state before any run',
    async () => {
      const { page, problems } = await open(empty);
      await page.waitForSelector('body[data-state="loaded"]');
      expect(await page.locator('#empty-state').isVisible()).toBe(true);
      expect(await page.locator('#notices-panel').isVisible()).toBe(false);
      expect(await page.locator('#updated-at').textContent()).toBe('never');
      expect(problems).toEqual([]);
      await page.context().close();
    },
    60_000,
  );

  it.skipIf(!HAVE_CHROMIUM)(
    'shows an error state when the API fails, and recovers on refresh',
    async () => {
      const { page } = await open(seeded);
      await page.waitForSelector('body[data-state="loaded"]');
      await page.route('**/api/reports/latest*', (route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'STORAGE_ERROR', message: `Storage is unavailable ${XSS_IMG}` } }),
        }),
      );
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForSelector('body[data-state="error"]');
      expect(await page.locator('#error-state').isVisible()).toBe(true);
      expect(await page.locator('#error-message').textContent()).toContain(
        `HTTP 503: Storage is unavailable ${XSS_IMG}`,
      );
      expect(await page.locator('#notices-panel').isVisible()).toBe(false);
      expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();

      await page.unroute('**/api/reports/latest*');
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForSelector('body[data-state="loaded"]');
      expect(await page.locator('#error-state').isVisible()).toBe(false);
      expect(await page.locator('#notices-table tbody tr').count()).toBe(7);
      await page.context().close();
    },
    60_000,
  );

  it.skipIf(!HAVE_CHROMIUM)(
    'works at /api/dashboard without a trailing slash',
    async () => {
      const { page, problems } = await open(seeded, `/api/dashboard${query}`);
      await page.waitForSelector('body[data-state="loaded"]');
      expect(await page.locator('#notices-table tbody tr').count()).toBe(7);
      expect(problems).toEqual([]);
      await page.context().close();
    },
    60_000,
  );

  it.skipIf(!HAVE_CHROMIUM)(
    'opens the change an alert or feed entry links to (#change=<report>)',
    async () => {
      const { page, problems } = await open(
        seeded,
        `/api/dashboard/?code=${encodeURIComponent(KEY)}#change=${encodeURIComponent(seed.changeReport)}`,
      );
      await page.waitForSelector('body[data-state="loaded"]');
      await expect
        .poll(() => page.locator('#change-heading').textContent())
        .toBe(`Last change of ${seed.changedNoticeId}`);
      await expect.poll(() => page.locator('#change-panel').isVisible()).toBe(true);
      await expect.poll(() => page.locator('#diff').count()).toBe(1);
      expect(problems).toEqual([]);
      await page.context().close();
    },
    60_000,
  );
});
