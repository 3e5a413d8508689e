import { fail, ok, type Result } from '../common/result';
import { REPORT_FOLDERS } from '../storage';

/**
 * The rules a report name or prefix given by a caller must meet before it is used as a blob name:
 * only the shapes the storage layout writes, so nothing else in the reports container (and no
 * traversal) can be named.
 */

/**
 * Letters, digits, `.`, `_`, `/`, `-` and `@`. Upper case because run ids carry an ISO timestamp
 * (`20261129T051500Z-3f9a1c`); `@` because per-address TLS reports end `<runId>@<address>.json`.
 */
const NAME_CHARS = /^[A-Za-z0-9._/@-]+$/;
/** Real names are ~130 characters (80-character id + date + run id); anything far longer is not ours. */
const MAX_NAME_LENGTH = 256;

function checkPath(kind: 'name' | 'prefix', value: string): Result<string> {
  const code = kind === 'name' ? 'REPORT_NAME_INVALID' : 'PREFIX_INVALID';
  if (value.length > MAX_NAME_LENGTH)
    return fail(code, `The report ${kind} is longer than ${MAX_NAME_LENGTH} characters.`);
  if (!REPORT_FOLDERS.some((folder) => value.startsWith(folder)))
    return fail(code, `The report ${kind} must start with ${REPORT_FOLDERS.join(', ')}.`);
  // Checked on the value as received: a percent-encoded `..%2f` fails here on `%` rather than being decoded into a traversal.
  if (!NAME_CHARS.test(value))
    return fail(code, `The report ${kind} may only contain letters, digits, ".", "_", "-", "@" and "/".`);
  if (value.includes('..') || value.includes('//'))
    return fail(code, `The report ${kind} must not contain ".." or an empty path segment.`);
  return ok(value);
}

/** A report name a caller gave (the read API): checked as received, before it reaches storage. */
export function validateReportName(name: string): Result<string> {
  const checked = checkPath('name', name);
  if (!checked.ok) return checked;
  if (!name.endsWith('.json') || name.endsWith('/.json'))
    return fail(
      'REPORT_NAME_INVALID',
      'The report name must end with ".json", e.g. drift/2026/11/29/<notice>/<run>.json.',
    );
  return checked;
}

/** A prefix to list reports under, checked by the same rules as a name. */
export function validateReportPrefix(prefix: string): Result<string> {
  return checkPath('prefix', prefix);
}
