import {
  app,
  type HttpMethod,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';

import { redactSecrets } from '../shared/common/redact';
import { fail, ok, type Problem, type Result } from '../shared/common/result';
import { listReportPage, readLatest, readReport, validateReportName, validateReportPrefix } from '../shared/reports';
import { type FunctionDeps, hostDeps } from './function-deps';
import { serveNoticeHistory } from './history-http';
import { problemResponse } from './http-responses';

/**
 * Names per listing page (and the most `limit` may ask for). Storage is asked for one page only, so a
 * call costs the same with 20 reports under the prefix or 200,000; the rest comes by `continuation`.
 */
export const MAX_LISTED_NAMES = 1000;
/** Storage's marker, wrapped in base64url so it is opaque and URL-safe; real markers are far shorter. */
const CONTINUATION = /^[A-Za-z0-9_-]{1,2048}$/;
const LIMIT = /^[0-9]{1,4}$/;
/**
 * Reports are written once and never replaced (see writeReport), so a browser may keep them; but not
 * when the request URL holds a function key (`?code=`): a cache entry, a history or a proxy log would keep the key.
 */
const IMMUTABLE_CACHE = 'private, max-age=86400, immutable';
const ALLOWED_METHODS = 'GET';
const USAGE =
  'Use GET /api/reports/latest, GET /api/reports?prefix=drift/YYYY/MM/DD/[&limit=N][&continuation=TOKEN] or GET /api/reports/<name>.json.';

/** `limit` (1 to MAX_LISTED_NAMES, default the maximum) and `continuation` of a listing request. */
export function readPageQuery(query: URLSearchParams): Result<{ maxNames: number; continuation: string | null }> {
  const limit = query.get('limit');
  const token = query.get('continuation');
  let maxNames = MAX_LISTED_NAMES;
  if (limit !== null) {
    if (!LIMIT.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LISTED_NAMES)
      return fail('LIMIT_INVALID', `limit must be a whole number from 1 to ${MAX_LISTED_NAMES}.`);
    maxNames = Number(limit);
  }
  if (token === null || token === '') return ok({ maxNames, continuation: null });
  if (!CONTINUATION.test(token))
    return fail('CONTINUATION_INVALID', 'continuation must be the token of a previous listing, passed back unchanged.');
  return ok({ maxNames, continuation: Buffer.from(token, 'base64url').toString('utf8') });
}

function withHeaders(response: HttpResponseInit, headers: Record<string, string>): HttpResponseInit {
  return { ...response, headers: { ...(response.headers as Record<string, string> | undefined), ...headers } };
}

/** Every answer: JSON only, never sniffed as something else, errors never cached. */
function answer(response: HttpResponseInit, cacheControl = 'no-store'): HttpResponseInit {
  return withHeaders(response, { 'Cache-Control': cacheControl, 'X-Content-Type-Options': 'nosniff' });
}

export function makeReportsHttpHandler(deps: FunctionDeps) {
  return async function reportsHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    if (request.method !== 'GET') {
      return answer(
        withHeaders(problemResponse({ code: 'METHOD_NOT_ALLOWED', message: `Reports are read-only. ${USAGE}` }), {
          Allow: ALLOWED_METHODS,
        }),
      );
    }
    // One handler serves both routes ("reports" and "reports/{*name}") so "latest" can never be shadowed by a name lookup.
    // Taken as given (no trimming or decoding): whatever is not exactly a valid name is refused below.
    const name = request.params.name ?? '';
    // The host may match reports/{*name} before noticeHistory's more specific route: same answer either way.
    const history = /^notices\/([^/]*)(?:\/([^/]*))?$/.exec(name);
    if (history) return serveNoticeHistory(deps, request, context, history[1], history[2] ?? '');
    if (name === '') return listHandler(request, context);
    if (name === 'latest' || name === 'latest.json') return latestHandler(context);
    return oneReport(name, context, request.query.has('code'));
  };

  async function latestHandler(context: InvocationContext): Promise<HttpResponseInit> {
    const store = await deps.getStore();
    if (!store.ok) return storageProblem(context, store.problem);
    const latest = await readLatest(store.value);
    if (!latest.ok) return storageProblem(context, latest.problem);
    // latest.json is rewritten by every run: a cached copy would hide a change from the compliance team.
    return answer({ status: 200, jsonBody: latest.value });
  }

  async function listHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    const prefix = request.query.get('prefix');
    if (prefix === null || prefix === '')
      return answer(
        problemResponse({
          code: 'PREFIX_REQUIRED',
          message: `Say which reports to list with ?prefix=, e.g. ?prefix=drift/2026/11/29/. ${USAGE}`,
        }),
      );
    const checked = validateReportPrefix(prefix);
    if (!checked.ok) return answer(problemResponse(checked.problem));
    const page = readPageQuery(request.query);
    if (!page.ok) return answer(problemResponse(page.problem));
    const store = await deps.getStore();
    if (!store.ok) return storageProblem(context, store.problem);
    const listed = await listReportPage(store.value, checked.value, page.value);
    if (!listed.ok) {
      if (listed.problem.code === 'CONTINUATION_INVALID') return answer(problemResponse(listed.problem));
      return storageProblem(context, listed.problem);
    }
    const continuation =
      listed.value.continuation === null ? null : Buffer.from(listed.value.continuation, 'utf8').toString('base64url');
    // `truncated` stays for callers written before continuation: true exactly when another page may follow.
    return answer({
      status: 200,
      jsonBody: { prefix: checked.value, names: listed.value.names, truncated: continuation !== null, continuation },
    });
  }

  async function oneReport(name: string, context: InvocationContext, keyInUrl: boolean): Promise<HttpResponseInit> {
    const checked = validateReportName(name);
    if (!checked.ok) return answer(problemResponse(checked.problem));
    const store = await deps.getStore();
    if (!store.ok) return storageProblem(context, store.problem);
    const report = await readReport(store.value, checked.value);
    if (!report.ok) return storageProblem(context, report.problem);
    if (report.value === null)
      return answer(problemResponse({ code: 'REPORT_NOT_FOUND', message: `No report named ${checked.value}.` }));
    return answer({ status: 200, jsonBody: report.value }, keyInUrl ? 'no-store' : IMMUTABLE_CACHE);
  }
}

/** Storage trouble is the operator's to fix: logged in full but redacted, answered with the redacted problem. */
function storageProblem(context: InvocationContext, problem: Problem): HttpResponseInit {
  context.warn(redactSecrets(`reports: [${problem.code}] ${problem.message}`));
  return answer(problemResponse(problem));
}

export const reportsHttpHandler = makeReportsHttpHandler(hostDeps());

// Every method is routed here so a write attempt gets a clear 405 instead of the host's bare 404.
const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
app.http('reportsList', { methods: METHODS, authLevel: 'function', route: 'reports', handler: reportsHttpHandler });
app.http('reportsRead', {
  methods: METHODS,
  authLevel: 'function',
  route: 'reports/{*name}',
  handler: reportsHttpHandler,
});
