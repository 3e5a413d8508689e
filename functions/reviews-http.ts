import {
  app,
  type HttpMethod,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';

import { readReviews, recordReview } from '../shared/history';
import { type FunctionDeps, hostDeps, logProblems } from './function-deps';
import { noStore, noStoreFailure, noStoreMethodNotAllowed, noStoreProblem } from './http-responses';

/** A review is a status, a note of at most a few thousand characters and a name: far below this. */
export const MAX_REVIEW_BODY_BYTES = 32 * 1024;
/** Set by App Service authentication, which strips it from incoming requests when it is enabled. */
const PRINCIPAL_HEADER = 'x-ms-client-principal-name';
const USAGE =
  'Use POST /api/reviews with {"report", "status", "note"?, "reviewer"?} or GET /api/reviews/<report name>.';

async function readBody(
  request: HttpRequest,
): Promise<{ ok: true; value: unknown } | { ok: false; response: HttpResponseInit }> {
  const type = request.headers.get('content-type') ?? '';
  // JSON only: a cross-site form cannot send it without a CORS preflight the host refuses.
  if (!/^application\/json\s*(;|$)/i.test(type))
    return {
      ok: false,
      response: noStoreProblem({
        code: 'MEDIA_TYPE_UNSUPPORTED',
        message: `Send the review as application/json. ${USAGE}`,
      }),
    };
  const declared = Number(request.headers.get('content-length') ?? '0');
  const tooLarge = noStoreProblem({
    code: 'BODY_TOO_LARGE',
    message: `A review body is at most ${MAX_REVIEW_BODY_BYTES} bytes.`,
  });
  if (declared > MAX_REVIEW_BODY_BYTES) return { ok: false, response: tooLarge };
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_REVIEW_BODY_BYTES) return { ok: false, response: tooLarge };
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return { ok: true, value };
  } catch {
    return {
      ok: false,
      response: noStoreProblem({ code: 'JSON_INVALID', message: `The body is not a JSON object. ${USAGE}` }),
    };
  }
}

/**
 * `POST /api/reviews` records a review of a change (append-only); `GET /api/reviews/{report}`
 * returns every review of that change, oldest first.
 */
export function makeReviewsHttpHandler(deps: FunctionDeps) {
  return async function reviewsHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    const report = request.params.report ?? '';
    if (request.method === 'GET' && report !== '') {
      const store = await deps.getStore();
      if (!store.ok) return noStoreFailure(context, 'reviews', store.problem);
      const trail = await readReviews(store.value, report);
      if (!trail.ok) return noStoreFailure(context, 'reviews', trail.problem);
      return noStore({ status: 200, jsonBody: trail.value });
    }
    if (request.method !== 'POST' || report !== '')
      return noStoreMethodNotAllowed(USAGE, report === '' ? 'POST' : 'GET');
    const body = await readBody(request);
    if (!body.ok) return body.response;
    const fields = body.value as Record<string, unknown>;
    const store = await deps.getStore();
    if (!store.ok) return noStoreFailure(context, 'reviews', store.problem);
    const recorded = await recordReview(
      store.value,
      {
        report: fields.report,
        status: fields.status,
        note: fields.note,
        reviewer: fields.reviewer,
        principal: request.headers.get(PRINCIPAL_HEADER),
        via: 'api',
      },
      deps.now,
    );
    if (!recorded.ok) return noStoreFailure(context, 'reviews', recorded.problem);
    logProblems(context, 'reviews', recorded.value.problems);
    return noStore({ status: 201, jsonBody: recorded.value });
  };
}

export const reviewsHttpHandler = makeReviewsHttpHandler(hostDeps());

const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
app.http('reviewsPost', { methods: METHODS, authLevel: 'function', route: 'reviews', handler: reviewsHttpHandler });
app.http('reviewsRead', {
  methods: METHODS,
  authLevel: 'function',
  route: 'reviews/{*report}',
  handler: reviewsHttpHandler,
});
