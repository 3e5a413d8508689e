import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';

import { redactJson } from '../shared/common/redact';
import { newRunId, runDriftRequest } from '../shared/runs';
import { driftRunOptions, type FunctionDeps, hostDeps, logProblems, runNotifyOptions } from './function-deps';
import { problemResponse, statusForProblem } from './http-responses';

const NOTICE_ID = /^(?!.*\.\.)[a-z0-9][a-z0-9._-]{0,79}$/;

export function makeDriftHttpHandler(deps: FunctionDeps) {
  return async function driftHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    if (request.method !== 'POST')
      return {
        ...problemResponse(405, {
          code: 'METHOD_NOT_ALLOWED',
          message: 'Use POST /api/drift (optionally ?notice=ID).',
        }),
        headers: { Allow: 'POST' },
      };
    const noticeIds = request.query.getAll('notice');
    const invalid = noticeIds.find((id) => !NOTICE_ID.test(id));
    if (invalid !== undefined)
      return problemResponse(400, {
        code: 'INVALID_NOTICE_ID',
        message: 'notice must be a watchlist id: lower-case letters, digits, ".", "_" or "-".',
      });

    const watchlist = await deps.getWatchlist();
    if (!watchlist.ok) return problemResponse(500, watchlist.problem);
    logProblems(context, 'watchlist', watchlist.value.problems);
    const store = await deps.getStore();
    if (!store.ok) return problemResponse(statusForProblem(store.problem), store.problem);

    const startedAt = deps.now();
    const outcome = await runDriftRequest(store.value, {
      watchlist: watchlist.value,
      noticeIds,
      ...driftRunOptions(deps, context, 'http', newRunId(startedAt), startedAt),
      notify: runNotifyOptions(deps, watchlist.value),
    });
    if (!outcome.ok) return problemResponse(statusForProblem(outcome.problem), outcome.problem);
    logProblems(context, 'drift run', outcome.value.problems);
    // The run's own storage failed: the caller should see a server-side outage, with what was found.
    const storageDown = outcome.value.problems.find((problem) => problem.code === 'STORAGE_UNAVAILABLE');
    if (storageDown)
      return {
        status: 503,
        // Storage's own words are in it (the run's problems, each notice's error): nothing secret may leave.
        jsonBody: redactJson({ error: { code: storageDown.code, message: storageDown.message }, run: outcome.value }),
      };
    return { status: 200, jsonBody: outcome.value };
  };
}

export const driftHttpHandler = makeDriftHttpHandler(hostDeps());

app.http('driftHttp', { methods: ['POST'], authLevel: 'function', route: 'drift', handler: driftHttpHandler });
