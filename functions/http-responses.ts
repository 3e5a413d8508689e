import type { HttpResponseInit, InvocationContext } from '@azure/functions';

import { httpStatusOf } from '../shared/common/problem-codes';
import { redactSecrets } from '../shared/common/redact';
import type { Problem } from '../shared/common/result';

/** Every error answer has the same shape, the status its code has in the catalogue, and never a stack trace. */
export function problemResponse(problem: Problem): HttpResponseInit {
  return {
    status: httpStatusOf(problem.code),
    jsonBody: { error: { code: problem.code, message: redactSecrets(problem.message) } },
  };
}

/** A server-side outage (storage down): the caller should retry later rather than fix its request. */
export function isOutage(problem: Problem): boolean {
  return httpStatusOf(problem.code) === 503;
}

/** JSON answers that change as runs and reviews land: never cached, never sniffed as something else. */
export function noStore(response: HttpResponseInit): HttpResponseInit {
  return {
    ...response,
    headers: {
      ...(response.headers as Record<string, string> | undefined),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  };
}

/** An error answer on a route whose answers are never cached. */
export function noStoreProblem(problem: Problem): HttpResponseInit {
  return noStore(problemResponse(problem));
}

/**
 * A problem met while serving `what`: trouble on our side (5xx, storage) is logged, redacted (a
 * storage error quotes the SAS URL it failed on), as well as answered with the redacted problem; the
 * caller's mistakes (4xx: bad input, a report that is not a reviewable change) are only answered.
 */
export function noStoreFailure(context: InvocationContext, what: string, problem: Problem): HttpResponseInit {
  if (httpStatusOf(problem.code) >= 500) context.warn(redactSecrets(`${what}: [${problem.code}] ${problem.message}`));
  return noStoreProblem(problem);
}

/** A 405 that names the methods the route does take (`allow`), never cached. */
export function noStoreMethodNotAllowed(message: string, allow: string): HttpResponseInit {
  return noStore({ ...problemResponse({ code: 'METHOD_NOT_ALLOWED', message }), headers: { Allow: allow } });
}
