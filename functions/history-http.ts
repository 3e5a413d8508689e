import {
  app,
  type HttpMethod,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';

import { httpStatusOf } from '../shared/common/problem-codes';
import type { Problem } from '../shared/common/result';
import { WATCHLIST_ID } from '../shared/config';
import { changesSinceReview, MAX_HISTORY_LIMIT, readHistory } from '../shared/history';
import { type FunctionDeps, hostDeps } from './function-deps';
import { noStore, problemResponse } from './http-responses';

const USAGE =
  'Use GET /api/reports/notices/<id>?limit=N&before=<report name> or GET /api/reports/notices/<id>/since-review.';
function problem(value: Problem): HttpResponseInit {
  return noStore(problemResponse(value));
}

/** Trouble on our side (storage) is logged in full and answered with the redacted problem; the caller's mistakes are only answered. */
function failure(context: InvocationContext, value: Problem): HttpResponseInit {
  if (httpStatusOf(value.code) >= 500) context.warn(`history: [${value.code}] ${value.message}`);
  return problem(value);
}

function parseLimit(raw: string | null): number | null | undefined {
  if (raw === null || raw === '') return undefined;
  return /^\d{1,4}$/.test(raw) ? Number(raw) : null;
}

/**
 * `GET /api/reports/notices/{id}`: a page of the notice's changes, newest first, each with its
 * review state; `GET /api/reports/notices/{id}/since-review`: the diff from the last reviewed
 * version to the newest. Both read the notice's small history index, never a listing.
 */
export function makeNoticeHistoryHandler(deps: FunctionDeps) {
  return async function noticeHistory(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    return serveNoticeHistory(deps, request, context, request.params.id ?? '', request.params.view ?? '');
  };
}

/** The history routes, for whichever function the host hands `reports/notices/...` to. */
export async function serveNoticeHistory(
  deps: FunctionDeps,
  request: HttpRequest,
  context: InvocationContext,
  id: string,
  view: string,
): Promise<HttpResponseInit> {
  if (request.method !== 'GET')
    return {
      ...problem({ code: 'METHOD_NOT_ALLOWED', message: `The history is read-only. ${USAGE}` }),
      headers: { Allow: 'GET', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
    };
  if (!WATCHLIST_ID.test(id))
    return problem({ code: 'NOTICE_ID_INVALID', message: `"${id.slice(0, 80)}" is not a notice id.` });
  if (view !== '' && view !== 'since-review')
    return problem({ code: 'ROUTE_NOT_FOUND', message: `No such view of a notice. ${USAGE}` });
  const store = await deps.getStore();
  if (!store.ok) return failure(context, store.problem);

  if (view === 'since-review') {
    const since = await changesSinceReview(store.value, id);
    if (!since.ok) return failure(context, since.problem);
    if (!since.value)
      return problem({
        code: 'HISTORY_NOT_FOUND',
        message: `No change of ${id} is recorded yet, so there is nothing to compare.`,
      });
    return noStore({ status: 200, jsonBody: since.value });
  }

  const limit = parseLimit(request.query.get('limit'));
  if (limit === null)
    return problem({
      code: 'LIMIT_INVALID',
      message: `limit must be a whole number from 1 to ${MAX_HISTORY_LIMIT}.`,
    });
  const before = request.query.get('before');
  const page = await readHistory(store.value, id, {
    limit,
    ...(before !== null && before !== '' ? { before } : {}),
  });
  if (!page.ok) return failure(context, page.problem);
  if (!page.value)
    return problem({ code: 'NOTICE_NOT_FOUND', message: `No notice ${id} has been checked in this store.` });
  return noStore({ status: 200, jsonBody: page.value });
}

export const noticeHistoryHandler = makeNoticeHistoryHandler(hostDeps());

// Every method is routed here so a write attempt gets a clear 405. The reports function also hands
// `notices/...` names to this handler, so the answer is the same whichever route the host matches first.
const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
app.http('noticeHistory', {
  methods: METHODS,
  authLevel: 'function',
  route: 'reports/notices/{id}/{view?}',
  handler: noticeHistoryHandler,
});
