import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  app,
  type HttpMethod,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';

import { redactSecrets } from '../shared/common/redact';
import { fail, ok, problemFromError, type Result } from '../shared/common/result';
import { packageRoot } from '../shared/config/settings';
import { problemResponse } from './http-responses';

/**
 * The only files this route serves. A fixed map (not a path join of what the caller sent)
 * is what makes traversal impossible: `../host.json` is simply not a key.
 */
const FILES = new Map<string, string>([
  ['index.html', 'text/html; charset=utf-8'],
  ['dashboard.js', 'text/javascript; charset=utf-8'],
  ['dashboard.css', 'text/css; charset=utf-8'],
]);

/**
 * The page renders text an attacker can influence (notice headings, diffs, server messages):
 * no inline script or style may run, and the page talks only to its own origin.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Function keys are base64-like; anything else is refused rather than written into the page. */
const FUNCTION_KEY = /^[A-Za-z0-9_\-=+/.~]{1,256}$/;

export function defaultDashboardDir(): string {
  return join(packageRoot(), 'content', 'dashboard');
}

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * The page's own script and stylesheet are behind the same function key as the page, and a
 * browser sends no key for `<script src>`: so the key of the page's URL is added to those two
 * URLs. They are made absolute from the request path, so `/api/dashboard` (no trailing slash)
 * works as well as `/api/dashboard/`.
 */
export function personaliseIndex(html: string, requestUrl: string, code: string | null): string {
  let base = new URL(requestUrl).pathname.replace(/index\.html$/, '');
  if (!base.endsWith('/')) base += '/';
  const query = code ? `?code=${encodeURIComponent(code)}` : '';
  return html
    .replace('href="dashboard.css"', `href="${escapeAttribute(`${base}dashboard.css${query}`)}"`)
    .replace('src="dashboard.js"', `src="${escapeAttribute(`${base}dashboard.js${query}`)}"`);
}

export interface DashboardOptions {
  /** Folder holding index.html, dashboard.js and dashboard.css; the package's content/dashboard by default. */
  readonly contentDir?: string;
}

/** The dashboard needs no storage or watchlist (the page reads the reports API itself), so it takes only where its files are. */
export function makeDashboardHttpHandler(options: DashboardOptions = {}) {
  const contentDir = options.contentDir ?? defaultDashboardDir();
  // Files ship with the package and never change while it runs; read each once.
  const cache = new Map<string, string>();

  async function load(file: string): Promise<Result<string>> {
    const cached = cache.get(file);
    if (cached !== undefined) return ok(cached);
    try {
      const text = await readFile(join(contentDir, file), 'utf8');
      cache.set(file, text);
      return ok(text);
    } catch (error) {
      return fail(
        'DASHBOARD_FILE_UNREADABLE',
        problemFromError(
          'DASHBOARD_FILE_UNREADABLE',
          `The dashboard file ${file} could not be read from the package`,
          error,
        ).message,
      );
    }
  }

  return async function dashboardHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    if (request.method !== 'GET') {
      return {
        ...problemResponse({
          code: 'METHOD_NOT_ALLOWED',
          message: 'The dashboard is read-only: use GET /api/dashboard/.',
        }),
        headers: { Allow: 'GET', 'Cache-Control': 'no-store' },
      };
    }
    const requested = request.params.file ?? '';
    const file = requested === '' ? 'index.html' : requested;
    const contentType = FILES.get(file);
    if (contentType === undefined) {
      return {
        ...problemResponse({
          code: 'DASHBOARD_FILE_NOT_FOUND',
          message: 'No such dashboard file; open /api/dashboard/.',
        }),
        headers: { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
      };
    }
    const code = request.query.get('code');
    if (code !== null && !FUNCTION_KEY.test(code)) {
      return {
        ...problemResponse({ code: 'CODE_INVALID', message: 'The code parameter is not a function key.' }),
        headers: { 'Cache-Control': 'no-store' },
      };
    }
    const text = await load(file);
    if (!text.ok) {
      context.error(redactSecrets(`dashboard: [${text.problem.code}] ${text.problem.message}`));
      return problemResponse({
        code: text.problem.code,
        message: 'The dashboard is not deployed correctly; see the function log.',
      });
    }
    const body = file === 'index.html' ? personaliseIndex(text.value, request.url, code) : text.value;
    return {
      status: 200,
      body,
      headers: {
        'Content-Type': contentType,
        'Content-Security-Policy': DASHBOARD_CSP,
        'X-Content-Type-Options': 'nosniff',
        'X-Frame-Options': 'DENY',
        // The page URL may carry a function key: never send it to another site.
        'Referrer-Policy': 'no-referrer',
        // The page embeds the key, and a URL holding a key must not become a cache entry: never stored.
        // Assets fetched without a key in their URL are small and revalidated.
        'Cache-Control': file === 'index.html' || code !== null ? 'no-store' : 'no-cache',
      },
    };
  };
}

export const dashboardHttpHandler = makeDashboardHttpHandler();

// Every method is routed here so anything but GET gets a clear 405 instead of the host's bare 404.
const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
app.http('dashboardHttp', {
  methods: METHODS,
  authLevel: 'function',
  route: 'dashboard/{*file}',
  handler: dashboardHttpHandler,
});
