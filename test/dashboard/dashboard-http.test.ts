import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import {
  DASHBOARD_CSP,
  defaultDashboardDir,
  makeDashboardHttpHandler,
  personaliseIndex,
} from '../../functions/dashboard-http';
import { testContext } from '../support/function-harness';

const handler = makeDashboardHttpHandler();

function get(path: string, file: string, method = 'GET'): Promise<HttpResponseInit> {
  return handler(
    new HttpRequest({ method, url: `http://localhost/api/${path}`, params: { file } }),
    testContext('dashboardHttp').context,
  );
}

function headers(response: HttpResponseInit): Record<string, string> {
  return (response.headers ?? {}) as Record<string, string>;
}

describe('dashboardHttp', () => {
  it('serves the page and its assets with their content types and a strict CSP', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['dashboard/', '', /^text\/html/],
      ['dashboard/index.html', 'index.html', /^text\/html/],
      ['dashboard/dashboard.js', 'dashboard.js', /^text\/javascript/],
      ['dashboard/dashboard.css', 'dashboard.css', /^text\/css/],
    ];
    for (const [path, file, type] of cases) {
      const response = await get(path, file);
      expect(response.status, path).toBe(200);
      expect(headers(response)['Content-Type'], path).toMatch(type);
      expect(headers(response)['Content-Security-Policy']).toBe(DASHBOARD_CSP);
      expect(headers(response)['X-Content-Type-Options']).toBe('nosniff');
      expect(typeof response.body).toBe('string');
    }
    expect(DASHBOARD_CSP).toMatch(/default-src 'self'/);
    expect(DASHBOARD_CSP).toMatch(/script-src 'self'(;|$)/);
    expect(DASHBOARD_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  it('adds the page key to its own script and stylesheet URLs, absolute from the request path', async () => {
    const page = await get('dashboard?code=abc_DEF-123%3D%3D', '');
    const html = String(page.body);
    expect(html).toContain('href="/api/dashboard/dashboard.css?code=abc_DEF-123%3D%3D"');
    expect(html).toContain('src="/api/dashboard/dashboard.js?code=abc_DEF-123%3D%3D"');
    expect(headers(page)['Cache-Control']).toBe('no-store');
    expect(headers(page)['Referrer-Policy']).toBe('no-referrer');

    const bare = String((await get('dashboard/index.html', 'index.html')).body);
    expect(bare).toContain('src="/api/dashboard/dashboard.js"');
  });

  it('escapes whatever reaches an attribute', () => {
    const html = personaliseIndex('<script src="dashboard.js"></script>', 'http://localhost/a"b<c/dashboard/', null);
    expect(html).not.toMatch(/a"b/);
    expect(html).not.toContain('<c');
  });

  it('refuses a code that is not a function key instead of writing it into the page', async () => {
    const response = await get('dashboard/?code=%22%3E%3Cscript%3E', '');
    expect(response.status).toBe(400);
    expect(response.jsonBody).toMatchObject({ error: { code: 'CODE_INVALID' } });
  });

  it('serves only its own files: traversal and unknown names are 404', async () => {
    for (const file of [
      '../host.json',
      '..%2f..%2fhost.json',
      '/etc/passwd',
      'dashboard.js/',
      'index.htm',
      '__proto__',
      'constructor',
      'DASHBOARD.JS',
      '.',
      'dashboard.js%00.css',
    ]) {
      const response = await get(`dashboard/${file}`, file);
      expect(response.status, file).toBe(404);
      expect(response.jsonBody).toMatchObject({ error: { code: 'DASHBOARD_FILE_NOT_FOUND' } });
    }
  });

  it('answers 405 for anything but GET', async () => {
    const response = await get('dashboard/', '', 'POST');
    expect(response.status).toBe(405);
    expect(headers(response).Allow).toBe('GET');
  });

  it('answers 500 without details when the package is missing its files', async () => {
    const broken = makeDashboardHttpHandler({ contentDir: mkdtempSync(join(tmpdir(), 'noticewatch-empty-')) });
    const { context, logs } = testContext('dashboardHttp');
    const response = await broken(
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/dashboard/', params: { file: '' } }),
      context,
    );
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.jsonBody)).not.toContain(tmpdir());
    expect(logs.some((log) => log.level === 'error' && log.message.includes('DASHBOARD_FILE_UNREADABLE'))).toBe(true);
  });
});

describe('dashboard sources', () => {
  const dir = defaultDashboardDir();

  it('never builds markup from strings in the script', () => {
    const script = readFileSync(join(dir, 'dashboard.js'), 'utf8');
    for (const sink of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'eval(',
      'new Function',
      "setAttribute('on",
    ]) {
      expect(script, sink).not.toContain(sink);
    }
  });

  it('has no inline script, style or event handler the CSP would block', () => {
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/https?:\/\//);
  });
});
