import type { HttpResponseInit } from '@azure/functions';

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
