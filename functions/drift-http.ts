import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';

import { redactJson } from '../shared/common/redact';
import { WATCHLIST_ID } from '../shared/config';
import { driftRunOptions, newRunId, runDriftRequest } from '../shared/runs';
import { type FunctionDeps, hostDeps, logDriftProgress, logProblems, runNotifyOptions } from './function-deps';
import { problemResponse } from './http-responses';

export function makeDriftHttpHandler(deps: FunctionDeps) {
  return async function driftHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    if (request.method !== 'POST')
      return {
        ...problemResponse({
          code: 'METHOD_NOT_ALLOWED',
          message: 'Use POST /api/drift (optionally ?notice=ID).',
        }),
        headers: { Allow: 'POST' },
      };
    const noticeIds = request.query.getAll('notice');
    const invalid = noticeIds.find((id) => !WATCHLIST_ID.test(id));
    if (invalid !== undefined)
      return problemResponse({
        code: 'NOTICE_ID_INVALID',
        message: 'notice must be a watchlist id: lower-case letters, digits, ".", "_" or "-".',
      });

    const watchlist = await deps.getWatchlist();
    if (!watchlist.ok) return problemResponse(watchlist.problem);
    logProblems(context, 'watchlist', watchlist.value.problems);
    const store = await deps.getStore();
    if (!store.ok) return problemResponse(store.problem);

    const startedAt = deps.now();
    const outcome = await runDriftRequest(store.value, {
      watchlist: watchlist.value,
      noticeIds,
      ...driftRunOptions({
        settings: deps.settings,
        trigger: 'http',
        runId: newRunId(startedAt),
        startedAt,
        now: deps.now,
        onProgress: logDriftProgress(context),
      }),
      notify: runNotifyOptions(deps, watchlist.value),
    });
    if (!outcome.ok) return problemResponse(outcome.problem);
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
