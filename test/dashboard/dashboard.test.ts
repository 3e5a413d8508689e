import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDashboardHttpHandler } from '../../functions/dashboard-http';
import { makeReportsHttpHandler } from '../../functions/reports-http';
import { MemoryObjectStore } from '../../shared/storage';
import { testDeps } from '../support/function-harness';
import { startFunctionServer, type FunctionServer } from './function-server';
import { seedDashboard, XSS_IMG, XSS_SCRIPT, type DashboardSeed } from './seed-dashboard';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM)
  console.warn(`dashboard browser test skipped: ${CHROMIUM} not found (apt-get install chromium; CI installs it).`);

/** A function key the stand-in host requires on every request, so the test proves the page forwards it. */
const KEY = 'test-key_0123456789==';
const SCREENSHOT = join(tmpdir(), 'noticewatch-dashboard', 'dashboard.png');

let browser: Browser;
let seeded: FunctionServer;
let empty: FunctionServer;
let seed: DashboardSeed;

async function serve(store: MemoryObjectStore): Promise<FunctionServer> {
  const deps = testDeps(store, { notices: [] });
  return startFunctionServer(
    [
      { route: 'reports', param: 'name', handler: makeReportsHttpHandler(deps) },
      { route: 'dashboard', param: 'file', handler: makeDashboardHttpHandler() },
    ],
    { functionKey: KEY },
  );
}

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  const store = new MemoryObjectStore();
  seed = await seedDashboard(store);
  [seeded, empty] = await Promise.all([serve(store), serve(new MemoryObjectStore())]);
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
  await Promise.all([browser?.close(), seeded?.close(), empty?.close()]);
});

interface Watched {
  page: Page;
  /** Console errors, page errors, CSP violations and requests that left loopback. */
  problems: string[];
}

async function open(
  server: FunctionServer,
  path = `/api/dashboard/?code=${encodeURIComponent(KEY)}`,
): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol !== 'data:' && url.hostname !== '127.0.0.1')
      problems.push(`request off loopback: ${request.url()}`);
  });
  // Injected by the browser tooling, outside the page's CSP, so it can report what the CSP blocks.
  await page.addInitScript(() => {
    const violations: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = violations;
    document.addEventListener('securitypolicyviolation', (event) =>
      violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  await page.goto(server.origin + path);
  return { page, problems };
}

async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}

describe('dashboard in a browser', () => {
  it.skipIf(!HAVE_CHROMIUM)(
    'renders notices and endpoints, shows a change, and never runs markup from reports',
    async () => {
      const { page, problems } = await open(seeded);
      await page.waitForSelector('body[data-state="loaded"]');

      // Notices: one row per entry of latest.json, changed first, each with its status badge.
      const notices = page.locator('#notices-table tbody tr');
      await expect.poll(() => notices.count()).toBe(6);
      const rows = await notices.evaluateAll((trs) =>
        trs.map((tr) => [tr.getAttribute('data-notice-id'), tr.querySelector('.badge')?.textContent]),
      );
      expect(rows).toEqual([
        ['contoso-insights', 'Changed'],
        ['wingtip-bikes', 'Held for review'],
        [seed.hostileNoticeId, 'Error'],
        ['tailspin-docs', 'Error'],
        ['northwind-app', 'Baseline'],
        ['fabrikam-portal', 'Unchanged'],
      ]);
      await expect.poll(() => page.locator('#count-changed').textContent()).toBe('1');
      await expect.poll(() => page.locator('#count-errors').textContent()).toBe('2');
      await expect.poll(() => page.locator('#count-held').textContent()).toBe('1');
      // A held body is seen at once: why it was held, and its first lines (markup shown as text).
      const held = page.locator('tr[data-notice-id="wingtip-bikes"]');
      expect(await held.locator('.held-signal').textContent()).toBe('error-page');
      expect(await held.textContent()).toContain('reads "page introuvable" (not found, fr)');
      expect(await held.textContent()).toContain('Seen in 1 of the 3 consecutive runs');
      expect(await held.locator('.held-lines').textContent()).toBe(
        `Erreur / Page introuvable\nRetour à l'accueil ${XSS_SCRIPT}`,
      );
      const tailspin = page.locator('tr[data-notice-id="tailspin-docs"]');
      expect(await tailspin.locator('.code-chip').textContent()).toBe('NOTICE_IMPLAUSIBLE');
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
      expect(await page.locator('tr[data-endpoint-id="unreachable-gw"]').textContent()).toContain('TLS_CONNECT_FAILED');

      // The change: loaded from /api/reports/<lastChangeReport> on click.
      await page.getByRole('button', { name: 'View last change of contoso-insights' }).click();
      await page.waitForSelector('#diff');
      expect(await page.locator('#change-heading').textContent()).toBe('Last change of contoso-insights');
      expect(await page.locator('#change-meta').textContent()).toContain('Needed: new wording');
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
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('script').count()).toBe(1); // only dashboard.js
      await expect.poll(() => page.getByText(XSS_SCRIPT).first().isVisible()).toBe(true);
      expect(
        await page
          .locator(`tr[data-notice-id="${seed.hostileNoticeId.replace(/"/g, '\\"')}"] .notice-id`)
          .textContent(),
      ).toBe(`evil${XSS_IMG}`);

      // The key of the page's URL went with every request (the stand-in host would have refused it otherwise).
      expect(seeded.requests.filter((path) => path.startsWith('/api/'))).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^\/api\/dashboard\/dashboard\.js\?code=/),
          expect.stringMatching(/^\/api\/reports\/latest\?code=/),
          expect.stringContaining(`/api/reports/${seed.changeReport}?code=`),
        ]),
      );
      expect(seeded.errors).toEqual([]);
      expect(problems).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);

      mkdirSync(join(tmpdir(), 'noticewatch-dashboard'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      console.log(`dashboard screenshot: ${SCREENSHOT}`);
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
      await page.route('**/api/reports/latest?*', (route) =>
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
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

      await page.unroute('**/api/reports/latest?*');
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForSelector('body[data-state="loaded"]');
      expect(await page.locator('#error-state').isVisible()).toBe(false);
      expect(await page.locator('#notices-table tbody tr').count()).toBe(6);
      await page.context().close();
    },
    60_000,
  );

  it.skipIf(!HAVE_CHROMIUM)(
    'works at /api/dashboard without a trailing slash',
    async () => {
      const { page, problems } = await open(seeded, `/api/dashboard?code=${encodeURIComponent(KEY)}`);
      await page.waitForSelector('body[data-state="loaded"]');
      expect(await page.locator('#notices-table tbody tr').count()).toBe(6);
      expect(problems).toEqual([]);
      await page.context().close();
    },
    60_000,
  );
});
