import { readFile } from 'node:fs/promises';

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

import watchlistSchema from '../../content/schemas/watchlist.schema.json';
import { fail, ok, type Problem, type Result } from '../common/result';
import { repositoryRootOf } from './repository-root';
import type { ChannelConfig, EndpointConfig, NoticeConfig } from './types';

export interface Watchlist {
  readonly notices: NoticeConfig[];
  readonly endpoints: EndpointConfig[];
  /** Where alerts are sent; empty when none are configured. */
  readonly channels: ChannelConfig[];
  /** One per rejected entry; the valid entries still run. */
  readonly problems: Problem[];
}

/**
 * Notice and endpoint ids: lower-case letters, digits, `.`, `_` and `-`, starting with a letter or
 * digit, no `..`, at most 80 characters. Ids become part of blob names and latest.json keys. Taken
 * from the watchlist's JSON Schema, so the schema stays the one place the pattern is written.
 */
export const WATCHLIST_ID = new RegExp(watchlistSchema.definitions.id.pattern);

/** Far above any real watchlist; a guard against a runaway generated file. */
export const MAX_ENTRIES_PER_KIND = 10_000;

let validators: { notice: ValidateFunction; endpoint: ValidateFunction; channel: ValidateFunction } | null = null;

function entryValidators() {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(watchlistSchema);
    validators = {
      notice: ajv.getSchema(`${watchlistSchema.$id}#/definitions/notice`)!,
      endpoint: ajv.getSchema(`${watchlistSchema.$id}#/definitions/endpoint`)!,
      channel: ajv.getSchema(`${watchlistSchema.$id}#/definitions/channel`)!,
    };
  }
  return validators;
}

function describeAjvErrors(errors: ErrorObject[] | null | undefined): string {
  const all = errors ?? [];
  // A channel names its URL one way or the other; say that once instead of listing both branches.
  const oneOf = all.some((error) => error.keyword === 'oneOf' && error.instancePath === '');
  const relevant = oneOf
    ? all.filter((error) => !(error.keyword === 'required' && error.schemaPath.startsWith('#/oneOf/')))
    : all;
  return relevant
    .map((error) => {
      if (error.keyword === 'oneOf' && error.instancePath === '') return 'give exactly one of "url" and "urlSetting"';
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
function checkHttpUrl(raw: string, field = 'url'): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${field} "${raw.slice(0, 200)}" is not a valid URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `${field} scheme "${url.protocol}" is not allowed (http or https only)`;
  if (url.username || url.password)
    return `${field} must not contain credentials (user:password@); they would be stored in reports`;
  return null;
}

/** The notice's URL, and the repository fields that must agree with it. */
function checkNotice(notice: NoticeConfig): string | null {
  const urlProblem = checkHttpUrl(notice.url);
  if (urlProblem) return urlProblem;
  if (notice.repositoryRoot !== undefined) {
    const rootProblem = checkHttpUrl(notice.repositoryRoot, 'repositoryRoot');
    if (rootProblem) return rootProblem;
    const root = new URL(notice.repositoryRoot).href;
    const url = new URL(notice.url).href;
    if (!url.startsWith(root) || url.length === root.length)
      return `url must lie under repositoryRoot "${notice.repositoryRoot.slice(0, 200)}" (the repository root at the watched branch, ending in "/")`;
  }
  for (const [folder, base] of Object.entries(notice.dependentRepositories ?? {})) {
    const problem = checkHttpUrl(base, `dependentRepositories["${folder.slice(0, 80)}"]`);
    if (problem) return problem;
  }
  if ((notice.docsetRoot !== undefined || notice.dependentRepositories !== undefined) && !repositoryRootOf(notice))
    return 'docsetRoot and dependentRepositories need repositoryRoot, which is derived only for raw.githubusercontent.com URLs: set it';
  return null;
}

/**
 * A channel URL is usually a secret (a Teams workflow URL carries its signature): it is checked
 * like a notice URL, but never quoted in a message.
 */
function checkChannel(channel: ChannelConfig): string | null {
  if (channel.secretSetting && channel.kind !== 'webhook')
    return `secretSetting applies to webhook channels only (this one is ${channel.kind})`;
  if (channel.url === undefined) return null;
  let url: URL;
  try {
    url = new URL(channel.url);
  } catch {
    return 'url is not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'url must use http or https';
  if (url.username || url.password) return 'url must not contain credentials (user:password@)';
  return null;
}

type EntryKind = 'notices' | 'endpoints' | 'channels';

function entryLabel(kind: EntryKind, index: number, entry: unknown): string {
  const id =
    entry && typeof entry === 'object' && typeof (entry as { id?: unknown }).id === 'string'
      ? (entry as { id: string }).id
      : null;
  return id ? `${kind}[${index}] ("${id.slice(0, 80)}")` : `${kind}[${index}]`;
}

function collectEntries<T extends { id: string }>(
  kind: EntryKind,
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
      problems.push({ code: 'WATCHLIST_ENTRY_INVALID', message: `${label}: ${describeAjvErrors(validate.errors)}` });
      return;
    }
    const typed = entry as T;
    const extra = extraCheck(typed);
    if (extra) {
      problems.push({ code: 'WATCHLIST_ENTRY_INVALID', message: `${label}: ${extra}` });
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
    return fail(
      'WATCHLIST_INVALID',
      'The watchlist must be a JSON object with "notices", "endpoints" and/or "channels" arrays.',
    );
  }
  const problems: Problem[] = [];
  const record = document as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!['notices', 'endpoints', 'channels', '$schema'].includes(key))
      problems.push({ code: 'WATCHLIST_INVALID', message: `unknown top-level field "${key}" is ignored` });
  }
  const { notice, endpoint, channel } = entryValidators();
  const notices = collectEntries<NoticeConfig>('notices', record.notices, notice, checkNotice, problems);
  const endpoints = collectEntries<EndpointConfig>('endpoints', record.endpoints, endpoint, () => null, problems);
  const channels = collectEntries<ChannelConfig>('channels', record.channels, channel, checkChannel, problems);
  const known = new Set(channels.map((item) => item.id));
  const noticeIds = new Set(notices.map((entry) => entry.id));
  return ok({
    notices: notices.map((entry) => knownChannelsOnly('notices', entry, known, problems)),
    endpoints: endpoints.map((entry) =>
      knownNoticesOnly(knownChannelsOnly('endpoints', entry, known, problems), noticeIds, problems),
    ),
    channels,
    problems,
  });
}

/** A typo in `notify` must not stop a notice being watched: the entry is kept, the unknown ids are dropped and named. */
function knownChannelsOnly<T extends { id: string; notify?: string[] }>(
  kind: 'notices' | 'endpoints',
  entry: T,
  known: ReadonlySet<string>,
  problems: Problem[],
): T {
  if (!entry.notify) return entry;
  const unknown = entry.notify.filter((id) => !known.has(id));
  if (!unknown.length) return entry;
  problems.push({
    code: 'WATCHLIST_CHANNEL_UNKNOWN',
    message: `${kind} "${entry.id}": notify names ${unknown.map((id) => `"${id}"`).join(', ')}, not a channel on the watchlist; the entry is checked but not sent there`,
  });
  return { ...entry, notify: entry.notify.filter((id) => known.has(id)) };
}

/**
 * An endpoint's `notices` may only name valid notices of the same watchlist. As with `notify`, a typo
 * must not stop the endpoint being checked, but it must be said: the promise it names goes unchecked.
 */
function knownNoticesOnly(entry: EndpointConfig, known: ReadonlySet<string>, problems: Problem[]): EndpointConfig {
  if (!entry.notices) return entry;
  const unknown = entry.notices.filter((id) => !known.has(id));
  if (!unknown.length) return entry;
  problems.push({
    code: 'WATCHLIST_NOTICE_UNKNOWN',
    message: `endpoints "${entry.id}": notices names ${unknown.map((id) => `"${id}"`).join(', ')}, not a valid notice on the watchlist; the endpoint is checked without that notice's promises`,
  });
  return { ...entry, notices: entry.notices.filter((id) => known.has(id)) };
}

export function parseWatchlistText(text: string, source: string): Result<Watchlist> {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return fail(
      'WATCHLIST_JSON_INVALID',
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
