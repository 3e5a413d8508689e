import type { HttpResponseInit } from '@azure/functions';

import { redactSecrets } from '../shared/common/redact';
import type { Problem } from '../shared/common/result';

/** Every error answer has the same shape and never a stack trace. */
export function problemResponse(status: number, problem: Problem): HttpResponseInit {
  return { status, jsonBody: { error: { code: problem.code, message: redactSecrets(problem.message) } } };
}

export function statusForProblem(problem: Problem): number {
  if (problem.code === 'NOTICE_NOT_FOUND' || problem.code === 'REPORT_NOT_FOUND') return 404;
  if (problem.code.startsWith('STORAGE_') || problem.code.startsWith('AZURITE_')) return 503;
  return 500;
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
