import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';

import { DEMO_ENDPOINTS, DEMO_NOTICE_ID } from '../../cli/demo/demo-command';
import { type CliProcess, portClosed, startCli } from '../support/cli-process';
import { runCli } from '../support/run-cli';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SCREENSHOT = join(tmpdir(), 'noticewatch-dashboard', 'demo.png');

/** The temporary folder the demo announces on stderr. */
function demoFolder(stderr: string): string {
  const match = /demo: working in (\S+) \(removed at exit\)/.exec(stderr);
  if (!match) throw new Error(`the demo did not say where it works:\n${stderr}`);
  return match[1];
}

/** Every port the demo said it listens on: the publisher and the three TLS endpoints. */
function demoPorts(stderr: string): number[] {
  const publisher = /sample notice at http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
  const tls = /TLS endpoints on 127\.0\.0\.1: (\d+) \(.*?\), (\d+) \(.*?\), (\d+) \(/.exec(stderr);
  if (!publisher || !tls) throw new Error(`the demo did not name its ports:\n${stderr}`);
  return [publisher[1], tls[1], tls[2], tls[3]].map(Number);
}

/** Processes (the embedded Azurite) still started with a path inside `folder`; Linux only, [] elsewhere. */
function processesUsing(folder: string): string[] {
  if (!existsSync('/proc')) return [];
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (commandLine.includes(folder)) found.push(`${pid}: ${commandLine}`);
    } catch {
      // The process ended while the list was read: it is not using the folder.
    }
  }
  return found;
}

let demo: CliProcess | null = null;
afterEach(() => {
  demo?.kill();
  demo = null;
});

describe('noticewatch demo', () => {
  it('--once runs both checks offline, prints both summaries, exits 0 and leaves nothing behind', async () => {
    const result = await runCli(['demo', '--once']);
    expect(result.stderr).not.toContain('unexpected');
    expect(result.code).toBe(0);
    const [first, second] = result.stdout.split('\n\n');
    expect(first).toMatch(/^noticewatch demo, first check/);
    expect(first).toMatch(new RegExp(`BASELINE\\s+${DEMO_NOTICE_ID}`));
    expect(second).toMatch(new RegExp(`CHANGED\\s+${DEMO_NOTICE_ID}: text changed`));
    expect(second).toContain('metadata ms.date: "02/03/2026" -> "06/18/2026"');
    expect(second).toMatch(/added\s+Fabrikam Fitness privacy notice > Sharing with partners/);
    // The changed include shows up in the section that includes it.
    expect(second).toMatch(/modified\s+Fabrikam Fitness privacy notice > How long we keep data/);
    expect(second).toMatch(new RegExp(`VIOLATION\\s+${DEMO_ENDPOINTS.legacy} .*TLSv1=accepted`));
    expect(second).toContain('endpoints: 2 compliant, 1 not compliant, 0 could not be fully checked');
    // Progress says what happens at each step.
    for (const step of [
      'working in',
      'embedded Azurite',
      'publishing version 1',
      'TLS endpoints',
      'published version 2',
    ])
      expect(result.stderr).toContain(step);
    const folder = demoFolder(result.stderr);
    expect(existsSync(folder)).toBe(false);
    expect(processesUsing(folder)).toEqual([]);
    for (const port of demoPorts(result.stderr)) expect(await portClosed(port)).toBe(true);
  }, 120_000);

  it('serves the dashboard with the changed notice and the TLS matrix, and SIGINT stops everything', async () => {
    demo = startCli(['demo', '--port', '0']);
    const [url] = await demo.waitForStdout(/^http:\/\/127\.0\.0\.1:\d+\/api\/dashboard\/$/m, 90_000);
    const folder = demoFolder(demo.stderr());
    expect(existsSync(join(folder, 'watchlist.json'))).toBe(true);

    const latest = (await (await fetch(new URL('/api/reports/latest', url))).json()) as {
      notices: Record<string, { status: string }>;
      endpoints: Record<string, { id: string; compliant: boolean }>;
    };
    expect(latest.notices[DEMO_NOTICE_ID].status).toBe('changed');
    const nonCompliant = Object.values(latest.endpoints)
      .filter((endpoint) => !endpoint.compliant)
      .map((endpoint) => endpoint.id);
    expect(nonCompliant).toEqual([DEMO_ENDPOINTS.legacy]);

    if (HAVE_CHROMIUM) {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(error.message));
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(message.text());
        });
        await page.goto(url);
        await page.waitForSelector('body[data-state="loaded"]');
        expect(await page.locator('#count-changed').textContent()).toBe('1');
        expect(await page.locator('#count-noncompliant').textContent()).toBe('1');

        // The TLS matrix: TLS 1.0 accepted is the violation; the near-expiry certificate is a warning only.
        const legacy = page.locator(`tr[data-endpoint-id="${DEMO_ENDPOINTS.legacy}"]`);
        expect(await legacy.locator('.badge').textContent()).toBe('No');
        expect(await legacy.locator('td.proto[data-protocol="TLSv1"]').getAttribute('class')).toContain('proto-bad');
        const expiring = page.locator(`tr[data-endpoint-id="${DEMO_ENDPOINTS.expiring}"]`);
        expect(await expiring.locator('.badge').textContent()).toBe('Yes');
        expect(await expiring.locator('.cert-days').textContent()).toBe('12 days left');
        expect(await expiring.textContent()).toContain('Certificate expires in 12 day(s)');

        // The change view: sections, metadata and the diff, the changed include in it.
        await page.getByRole('button', { name: `View last change of ${DEMO_NOTICE_ID}` }).click();
        await page.waitForSelector('#diff');
        const sections = await page
          .locator('#changed-sections li')
          .evaluateAll((items) =>
            items.map((li) => `${li.getAttribute('data-change')} ${li.querySelector('.section-heading')?.textContent}`),
          );
        expect(sections).toEqual(
          expect.arrayContaining([
            'added Fabrikam Fitness privacy notice > Sharing with partners',
            'modified Fabrikam Fitness privacy notice > How long we keep data',
          ]),
        );
        const metadata = await page
          .locator('#metadata-changes tbody tr')
          .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)));
        expect(metadata).toEqual([['ms.date', '02/03/2026', '06/18/2026']]);
        const added = await page.locator('#diff .diff-add').allTextContents();
        expect(added).toEqual(
          expect.arrayContaining([
            '+## Sharing with partners',
            '+We keep workout data while your account is open. Crash reports are deleted after 13 months.',
          ]),
        );
        expect(problems).toEqual([]);
        mkdirSync(join(tmpdir(), 'noticewatch-dashboard'), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
      } finally {
        await browser.close();
      }
    }

    const ports = [Number(new URL(url).port), ...demoPorts(demo.stderr())];
    demo.child.kill('SIGINT');
    expect(await demo.exited).toEqual({ code: 0, signal: null });
    expect(demo.stderr()).toContain('demo: stopping the servers and removing the temporary folder');
    expect(existsSync(folder)).toBe(false);
    expect(processesUsing(folder)).toEqual([]);
    for (const port of ports) expect(await portClosed(port)).toBe(true);
  }, 180_000);
});
