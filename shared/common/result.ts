import type { ProblemCode } from './problem-codes';
import { redactSecrets } from './redact';

export type { ProblemCode } from './problem-codes';

/**
 * Errors are values: every operation that can fail for a reason the user can act on
 * returns a Result instead of throwing, so callers must look at the reason.
 */
export interface Problem {
  /** Stable machine-readable code from the catalogue in problem-codes.ts, e.g. `FETCH_TIMEOUT`. */
  readonly code: ProblemCode;
  /** One sentence a user can act on. Never contains secrets. */
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: Problem };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ProblemCode, message: string): Result<T> {
  return { ok: false, problem: { code, message } };
}

/** Turns an unexpected exception into a Problem without losing its message (secrets redacted: it may quote a request). */
export function problemFromError(code: ProblemCode, context: string, error: unknown): Problem {
  const detail = error instanceof Error ? error.message : String(error);
  return { code, message: redactSecrets(`${context}: ${detail}`) };
}
