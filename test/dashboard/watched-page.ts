import type { Browser, Page } from 'playwright-core';

/** A dashboard page opened in the browser with everything it does wrong recorded. */
export interface WatchedPage {
  readonly page: Page;
  /** Console errors and warnings, page errors, and requests that left loopback. */
  readonly problems: string[];
  /** Every path (with its query) the page asked its host for, in order. */
  readonly requests: string[];
}

interface CspViolation {
  readonly violatedDirective: string;
  readonly blockedURI: string;
}

/** Opens `url` in a new browser context, watching its console, errors, requests and CSP violations. */
export async function openWatchedPage(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number },
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    const requested = new URL(request.url());
    if (requested.protocol === 'http:') requests.push(requested.pathname + requested.search);
    if (requested.protocol !== 'data:' && requested.hostname !== '127.0.0.1')
      problems.push(`request off loopback: ${request.url()}`);
  });
  // Injected by the browser tooling, outside the page's CSP, so it can report what the CSP blocks.
  await page.addInitScript(() => {
    const violations: string[] = [];
    // Runs in the page, not in Node: the test config has no DOM types, so the page's globals are typed here.
    const pageGlobals = globalThis as unknown as {
      __cspViolations: string[];
      document: { addEventListener(type: string, listener: (event: CspViolation) => void): void };
    };
    pageGlobals.__cspViolations = violations;
    pageGlobals.document.addEventListener('securitypolicyviolation', (event) =>
      violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  await page.goto(url);
  return { page, problems, requests };
}

/** What the page's Content-Security-Policy blocked so far. */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations);
}
