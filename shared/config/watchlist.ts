import { readFile } from 'node:fs/promises';

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

import watchlistSchema from '../../content/schemas/watchlist.schema.json';
import { fail, ok, type Problem, type Result } from '../common/result';
import type { EndpointConfig, NoticeConfig } from './types';

export interface Watchlist {
  readonly notices: NoticeConfig[];
  readonly endpoints: EndpointConfig[];
  /** One per rejected entry; the valid entries still run. */
  readonly problems: Problem[];
}

/** Far above any real watchlist; a guard against a runaway generated file. */
export const MAX_ENTRIES_PER_KIND = 10_000;

let validators: { notice: ValidateFunction; endpoint: ValidateFunction } | null = null;

function entryValidators() {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(watchlistSchema);
    validators = {
      notice: ajv.getSchema(`${watchlistSchema.$id}#/definitions/notice`)!,
      endpoint: ajv.getSchema(`${watchlistSchema.$id}#/definitions/endpoint`)!,
    };
  }
  return validators;
}

function describeAjvErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((error) => {
      const where = error.instancePath ? error.instancePath.slice(1) : 'entry';
      if (error.keyword === 'additionalProperties') return `unknown field "${String(error.params.additionalProperty)}"`;
      if (error.keyword === 'required') return `missing field "${String(error.params.missingProperty)}"`;
      if (error.keyword === 'pattern' && where === 'id')
        return 'id must be lower-case letters, digits, ".", "_" or "-" (no "/" or "..")';
      if (error.keyword === 'enum') return `${where} must be one of ${JSON.stringify(error.params.allowedValues)}`;
      return `${where} ${error.message ?? 'is invalid'}`;
    })
    .join('; ');
}

/** Checks what JSON Schema cannot say: a URL that parses, uses http(s) and carries no credentials. */
function checkNoticeUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `url "${raw.slice(0, 200)}" is not a valid URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `url scheme "${url.protocol}" is not allowed (http or https only)`;
  if (url.username || url.password)
    return 'url must not contain credentials (user:password@); they would be stored in reports';
  return null;
}

function entryLabel(kind: 'notices' | 'endpoints', index: number, entry: unknown): string {
  const id =
    entry && typeof entry === 'object' && typeof (entry as { id?: unknown }).id === 'string'
      ? (entry as { id: string }).id
      : null;
  return id ? `${kind}[${index}] ("${id.slice(0, 80)}")` : `${kind}[${index}]`;
}

function collectEntries<T extends { id: string }>(
  kind: 'notices' | 'endpoints',
  raw: unknown,
  validate: ValidateFunction,
  extraCheck: (entry: T) => string | null,
  problems: Problem[],
): T[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push({ code: 'WATCHLIST_INVALID', message: `"${kind}" must be an array` });
    return [];
  }
  if (raw.length > MAX_ENTRIES_PER_KIND) {
    problems.push({
      code: 'WATCHLIST_TOO_LARGE',
      message: `"${kind}" has ${raw.length} entries; only the first ${MAX_ENTRIES_PER_KIND} are used`,
    });
  }
  const accepted: T[] = [];
  const seen = new Map<string, number>();
  raw.slice(0, MAX_ENTRIES_PER_KIND).forEach((entry, index) => {
    const label = entryLabel(kind, index, entry);
    if (!validate(entry)) {
      problems.push({ code: 'WATCHLIST_INVALID_ENTRY', message: `${label}: ${describeAjvErrors(validate.errors)}` });
      return;
    }
    const typed = entry as T;
    const extra = extraCheck(typed);
    if (extra) {
      problems.push({ code: 'WATCHLIST_INVALID_ENTRY', message: `${label}: ${extra}` });
      return;
    }
    const first = seen.get(typed.id);
    if (first !== undefined) {
      problems.push({
        code: 'WATCHLIST_DUPLICATE_ID',
        message: `${label}: duplicate id, already used by ${kind}[${first}]; this entry is skipped`,
      });
      return;
    }
    seen.set(typed.id, index);
    accepted.push(typed);
  });
  return accepted;
}

/** Validates a parsed watchlist entry by entry: one bad entry never stops the others. */
export function parseWatchlist(document: unknown): Result<Watchlist> {
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    return fail('WATCHLIST_INVALID', 'The watchlist must be a JSON object with "notices" and/or "endpoints" arrays.');
  }
  const problems: Problem[] = [];
  const record = document as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!['notices', 'endpoints', '$schema'].includes(key))
      problems.push({ code: 'WATCHLIST_INVALID', message: `unknown top-level field "${key}" is ignored` });
  }
  const { notice, endpoint } = entryValidators();
  const notices = collectEntries<NoticeConfig>(
    'notices',
    record.notices,
    notice,
    (entry) => checkNoticeUrl(entry.url),
    problems,
  );
  // An endpoint may only name notices that are on the watchlist and valid: a mistyped id would
  // silently leave a promise unchecked.
  const noticeIds = new Set(notices.map((entry) => entry.id));
  const endpoints = collectEntries<EndpointConfig>(
    'endpoints',
    record.endpoints,
    endpoint,
    (entry) => {
      const unknown = (entry.notices ?? []).filter((id) => !noticeIds.has(id));
      return unknown.length
        ? `notices: ${unknown.map((id) => JSON.stringify(id)).join(', ')} ${unknown.length === 1 ? 'is not a valid notice' : 'are not valid notices'} on this watchlist`
        : null;
    },
    problems,
  );
  return ok({ notices, endpoints, problems });
}

export function parseWatchlistText(text: string, source: string): Result<Watchlist> {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return fail(
      'WATCHLIST_INVALID_JSON',
      `${source} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parseWatchlist(document);
}

export async function loadWatchlist(path: string): Promise<Result<Watchlist>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail('WATCHLIST_UNREADABLE', `Cannot read watchlist ${path}${code ? ` (${code})` : ''}.`);
  }
  return parseWatchlistText(text, path);
}
