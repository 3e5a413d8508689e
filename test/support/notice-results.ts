import { expect } from 'vitest';

import type { NoticeCheckResult } from '../../shared/reports';

/** Asserts a notice result's status and narrows it to that kind of result, so its fields can be read. */
export function expectStatus<S extends NoticeCheckResult['status']>(
  result: NoticeCheckResult,
  status: S,
): Extract<NoticeCheckResult, { status: S }> {
  expect(result.status, result.error ? `${result.error.code}: ${result.error.message}` : undefined).toBe(status);
  return result as Extract<NoticeCheckResult, { status: S }>;
}
