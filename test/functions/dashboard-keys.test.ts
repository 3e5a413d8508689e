import '../../functions/drift-http';
import '../../functions/tls-http';

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type * as AzureFunctions from '@azure/functions';
import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import { beforeAll, describe, expect, it, vi } from 'vitest';

import { makeDashboardHttpHandler } from '../../functions/dashboard-http';
import type { FunctionDeps } from '../../functions/function-deps';
import { makeReportsHttpHandler } from '../../functions/reports-http';
import { writeReport } from '../../shared/reports';
import { MemoryObjectStore, noticeReportName } from '../../shared/storage';
import { testContext, testDeps } from '../support/function-harness';

/**
 * The dashboard reads with a per-function key (README, "Keys for the dashboard"): the key is set on the
 * read functions only, so it cannot run a drift or TLS check. And a response whose URL holds a key is
 * never stored by a browser or a proxy cache.
 */

interface Registration {
  name: string;
  authLevel?: string;
  route?: string;
}

// Functions register themselves when their module loads: record what they declare.
const registrations = vi.hoisted(() => [] as Registration[]);
vi.mock('@azure/functions', async (importOriginal) => {
  const actual = await importOriginal<typeof AzureFunctions>();
  return {
    ...actual,
    app: {
      ...actual.app,
      http: (name: string, options: { authLevel?: string; route?: string }) =>
        registrations.push({ name, authLevel: options.authLevel, route: options.route }),
    },
  };
});

const READ_FUNCTIONS = ['dashboardHttp', 'reportsList', 'reportsRead'];

function cacheControl(response: HttpResponseInit): string | undefined {
  return (response.headers as Record<string, string> | undefined)?.['Cache-Control'];
}

describe('the dashboard key can only read', () => {
  it('the dashboard and the read API are their own key-protected functions, apart from drift and TLS', () => {
    const byName = new Map(registrations.map((registration) => [registration.name, registration]));
    for (const name of [...READ_FUNCTIONS, 'driftHttp', 'tlsHttp']) {
      // authLevel function: a per-function key (or a host key) is required; anonymous would need none.
      expect(byName.get(name)?.authLevel, name).toBe('function');
    }
    // A key set on the read functions is not a key of these: the host checks keys per function name.
    for (const name of ['driftHttp', 'tlsHttp']) expect(READ_FUNCTIONS).not.toContain(name);
    expect(byName.get('driftHttp')?.route).toBe('drift');
    expect(byName.get('tlsHttp')?.route).toBe('tls');
  });

  it('the dashboard script sends its key to the read API only', () => {
    const script = readFileSync(join(__dirname, '..', '..', 'content', 'dashboard', 'dashboard.js'), 'utf8');
    expect(script).toContain("fetchJson('reports/latest')");
    expect(script).not.toMatch(/(fetchJson|apiUrl|fetch)\(\s*['"`][^'"`]*\b(drift|tls)(\?|['"`])/);
    expect(script).not.toMatch(/method:\s*['"](POST|PUT|PATCH|DELETE)/i);
  });

  it('the README says how to give the dashboard a read-only key, and why not a host key', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toMatch(/az functionapp function keys set/);
    for (const name of READ_FUNCTIONS) expect(readme).toContain(name);
    expect(readme).toMatch(/host key/i);
  });
});

describe('a response whose URL holds a key is never stored', () => {
  let deps: FunctionDeps;
  const reportName = noticeReportName('2026-11-29T06:00:00.000Z', 'contoso', '20261129T060000Z-abc123');

  beforeAll(async () => {
    const store = new MemoryObjectStore();
    await writeReport(store, reportName, { schemaVersion: 1, kind: 'notice-check', id: 'contoso' });
    deps = testDeps(store, { notices: [] });
  });

  async function report(query: string): Promise<HttpResponseInit> {
    return makeReportsHttpHandler(deps)(
      new HttpRequest({
        method: 'GET',
        url: `http://localhost/api/reports/${reportName}${query}`,
        params: { name: reportName },
      }),
      testContext('reportsRead').context,
    );
  }

  async function asset(file: string, query: string): Promise<HttpResponseInit> {
    return makeDashboardHttpHandler()(
      new HttpRequest({ method: 'GET', url: `http://localhost/api/dashboard/${file}${query}`, params: { file } }),
      testContext('dashboardHttp').context,
    );
  }

  it('reports: no-store with ?code=, kept by the browser without it', async () => {
    const keyed = await report('?code=read-only-key');
    expect(keyed.status).toBe(200);
    expect(cacheControl(keyed)).toBe('no-store');
    const bare = await report('');
    expect(bare.status).toBe(200);
    expect(cacheControl(bare)).toBe('private, max-age=86400, immutable');
  });

  it('the dashboard page and its assets: no-store with ?code=', async () => {
    for (const file of ['', 'index.html', 'dashboard.js', 'dashboard.css']) {
      const keyed = await asset(file, '?code=read-only-key');
      expect(keyed.status, file).toBe(200);
      expect(cacheControl(keyed), file).toBe('no-store');
    }
    expect(cacheControl(await asset('dashboard.js', ''))).toBe('no-cache');
  });

  it('latest.json, listings and errors are never stored, key or not', async () => {
    const handler = makeReportsHttpHandler(deps);
    const cases = [
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/reports/latest?code=k', params: { name: 'latest' } }),
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/reports?prefix=drift/&code=k' }),
      new HttpRequest({
        method: 'GET',
        url: 'http://localhost/api/reports/drift/none.json?code=k',
        params: { name: 'drift/none.json' },
      }),
    ];
    for (const request of cases) {
      const response = await handler(request, testContext('reportsRead').context);
      expect(cacheControl(response), request.url).toBe('no-store');
    }
  });
});
