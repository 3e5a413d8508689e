import {
  app,
  type HttpMethod,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';

import { fail, ok, type Result } from '../shared/common/result';
import { listReports, readLatest, readReport } from '../shared/reports';
import { type FunctionDeps, hostDeps } from './function-deps';
import { serveNoticeHistory } from './history-http';
import { problemResponse, statusForProblem } from './http-responses';

/** Report names live under these folders of the reports container; latest.json is served by its own route. */
const REPORT_FOLDERS = ['drift/', 'runs/', 'tls/'] as const;
/**
 * Letters, digits, `.`, `_`, `/`, `-` and `@`. Upper case because run ids carry an ISO timestamp
 * (`20261129T051500Z-3f9a1c`); `@` because per-address TLS reports end `<runId>@<address>.json`.
 */
const NAME_CHARS = /^[A-Za-z0-9._/@-]+$/;
/** Real names are ~130 characters (80-character id + date + run id); anything far longer is not ours. */
export const MAX_NAME_LENGTH = 256;
/** A listing is for browsing a day or a notice; past this it is cut and flagged so the caller narrows the prefix. */
export const MAX_LISTED_NAMES = 1000;
/** Reports are written once and never replaced (see writeReport), so a browser may keep them. */
const IMMUTABLE_CACHE = 'private, max-age=86400, immutable';
const ALLOWED_METHODS = 'GET';
const USAGE = 'Use GET /api/reports/latest, GET /api/reports?prefix=drift/YYYY/MM/DD/ or GET /api/reports/<name>.json.';

function checkPath(kind: 'name' | 'prefix', value: string): Result<string> {
  const code = kind === 'name' ? 'INVALID_REPORT_NAME' : 'INVALID_PREFIX';
  if (value.length > MAX_NAME_LENGTH)
    return fail(code, `The report ${kind} is longer than ${MAX_NAME_LENGTH} characters.`);
  if (!REPORT_FOLDERS.some((folder) => value.startsWith(folder)))
    return fail(code, `The report ${kind} must start with ${REPORT_FOLDERS.join(', ')}.`);
  // Checked on the value as received: a percent-encoded `..%2f` fails here on `%` rather than being decoded into a traversal.
  if (!NAME_CHARS.test(value))
    return fail(code, `The report ${kind} may only contain letters, digits, ".", "_", "-", "@" and "/".`);
  if (value.includes('..') || value.includes('//'))
    return fail(code, `The report ${kind} must not contain ".." or an empty path segment.`);
  return ok(value);
}

/** Exported so tests can check the rules directly. */
export function validateReportName(name: string): Result<string> {
  const checked = checkPath('name', name);
  if (!checked.ok) return checked;
  if (!name.endsWith('.json') || name.endsWith('/.json'))
    return fail(
      'INVALID_REPORT_NAME',
      'The report name must end with ".json", e.g. drift/2026/11/29/<notice>/<run>.json.',
    );
  return checked;
}

export function validateReportPrefix(prefix: string): Result<string> {
  return checkPath('prefix', prefix);
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
        withHeaders(problemResponse(405, { code: 'METHOD_NOT_ALLOWED', message: `Reports are read-only. ${USAGE}` }), {
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
    return oneReport(name, context);
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
        problemResponse(400, {
          code: 'PREFIX_REQUIRED',
          message: `Say which reports to list with ?prefix=, e.g. ?prefix=drift/2026/11/29/. ${USAGE}`,
        }),
      );
    const checked = validateReportPrefix(prefix);
    if (!checked.ok) return answer(problemResponse(400, checked.problem));
    const store = await deps.getStore();
    if (!store.ok) return storageProblem(context, store.problem);
    const listed = await listReports(store.value, checked.value);
    if (!listed.ok) return storageProblem(context, listed.problem);
    const truncated = listed.value.length > MAX_LISTED_NAMES;
    return answer({
      status: 200,
      jsonBody: { prefix: checked.value, names: listed.value.slice(0, MAX_LISTED_NAMES), truncated },
    });
  }

  async function oneReport(name: string, context: InvocationContext): Promise<HttpResponseInit> {
    const checked = validateReportName(name);
    if (!checked.ok) return answer(problemResponse(400, checked.problem));
    const store = await deps.getStore();
    if (!store.ok) return storageProblem(context, store.problem);
    const report = await readReport(store.value, checked.value);
    if (!report.ok) return storageProblem(context, report.problem);
    if (report.value === null)
      return answer(problemResponse(404, { code: 'REPORT_NOT_FOUND', message: `No report named ${checked.value}.` }));
    return answer({ status: 200, jsonBody: report.value }, IMMUTABLE_CACHE);
  }
}

/** Storage trouble is the operator's to fix: logged in full, answered with the redacted problem. */
function storageProblem(context: InvocationContext, problem: { code: string; message: string }): HttpResponseInit {
  context.warn(`reports: [${problem.code}] ${problem.message}`);
  return answer(problemResponse(statusForProblem(problem), problem));
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
