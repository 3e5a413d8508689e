import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';

import type { Problem } from '../shared/common/result';
import { WATCHLIST_ID } from '../shared/config';
import { changesFeed, readChangeIndex, readNoticeChanges } from '../shared/feeds';
import { type FunctionDeps, hostDeps, logProblems } from './function-deps';
import { problemResponse } from './http-responses';

const NOTICE_FEED = /^notices\/(.+)\.atom$/;
const USAGE = 'Use GET /api/feeds/changes.atom or GET /api/feeds/notices/<notice id>.atom.';

function withHeaders(response: HttpResponseInit, headers: Record<string, string>): HttpResponseInit {
  return { ...response, headers: { ...(response.headers as Record<string, string> | undefined), ...headers } };
}

/** Atom feeds of changes: every notice's, or one notice's. The feed logic is in shared/feeds. */
export function makeFeedsHttpHandler(deps: FunctionDeps) {
  return async function feedsHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    if (request.method !== 'GET')
      return withHeaders(problemResponse({ code: 'METHOD_NOT_ALLOWED', message: `Feeds are read-only. ${USAGE}` }), {
        Allow: 'GET',
      });
    const path = request.params.path ?? '';
    const match = NOTICE_FEED.exec(path);
    const noticeId = match && WATCHLIST_ID.test(match[1]) ? match[1] : undefined;
    if (path !== 'changes.atom' && !noticeId)
      return problemResponse({ code: 'FEED_NOT_FOUND', message: `No such feed. ${USAGE}` });
    const store = await deps.getStore();
    if (!store.ok) return storageProblem(context, store.problem);
    const entries = noticeId ? await readNoticeChanges(store.value, noticeId) : await readChangeIndex(store.value);
    if (!entries.ok) return storageProblem(context, entries.problem);
    if (noticeId && !entries.value.length) {
      const watchlist = await deps.getWatchlist();
      if (!watchlist.ok || !watchlist.value.notices.some((notice) => notice.id === noticeId))
        return problemResponse({
          code: 'NOTICE_NOT_FOUND',
          message: `No notice "${noticeId}" on the watchlist and no change of it recorded.`,
        });
    }
    // Links are absolute: the public URL when configured, else the origin the request came to. Never the key.
    const baseUrl = deps.settings.publicUrl ?? new URL(request.url).origin;
    const xml = changesFeed(entries.value, {
      baseUrl,
      selfUrl: `${baseUrl}/api/feeds/${path}`,
      noticeId,
      now: deps.now(),
    });
    return {
      status: 200,
      body: xml,
      headers: {
        'Content-Type': 'application/atom+xml; charset=utf-8',
        'Cache-Control': 'private, max-age=300',
        'X-Content-Type-Options': 'nosniff',
      },
    };
  };
}

/** Storage trouble: logged (redacted: a storage error quotes the SAS URL it failed on) and answered. */
function storageProblem(context: InvocationContext, problem: Problem): HttpResponseInit {
  logProblems(context, 'feeds', [problem]);
  return problemResponse(problem);
}

export const feedsHttpHandler = makeFeedsHttpHandler(hostDeps());

app.http('feedsRead', {
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  authLevel: 'function',
  route: 'feeds/{*path}',
  handler: feedsHttpHandler,
});
