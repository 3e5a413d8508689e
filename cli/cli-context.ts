import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { loadWatchlist, readSettings, type NoticewatchSettings, type Watchlist } from '../shared/config';
import { fail, ok, type Result } from '../shared/common/result';
import { openStore, type OpenedStore } from '../shared/storage';
import { progress } from './cli-output';

export class UsageError extends Error {}

export interface CliOptions {
  readonly watchlist?: string;
  readonly notice?: string[];
  readonly storage?: string;
  readonly timeout?: string;
  readonly concurrency?: string;
  readonly ca?: string;
  readonly json?: boolean;
}

export function positiveIntegerOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new UsageError(`--${name} must be a positive whole number, got "${value}"`);
  return parsed;
}

export function cliSettings(): NoticewatchSettings {
  return readSettings();
}

export async function cliWatchlist(options: CliOptions, settings: NoticewatchSettings): Promise<Result<Watchlist>> {
  const watchlist = await loadWatchlist(options.watchlist ?? settings.watchlistPath);
  if (watchlist.ok) for (const problem of watchlist.value.problems) progress(`watchlist: [${problem.code}] ${problem.message}`);
  return watchlist;
}

/** Connection string, account URL, or else the embedded Azurite persisting in the working folder. */
export async function cliStore(options: CliOptions, settings: NoticewatchSettings): Promise<Result<OpenedStore>> {
  const embeddedLocation = process.env.NOTICEWATCH_DATA_DIR || join(process.cwd(), '.noticewatch');
  const connectionString = options.storage ?? settings.connectionString;
  if (!connectionString && !settings.accountUrl) progress(`storage: no storage configured, starting an embedded Azurite under ${embeddedLocation}`);
  return openStore({ connectionString, accountUrl: settings.accountUrl, embeddedLocation });
}

export async function cliCaBundle(path: string | undefined): Promise<Result<Buffer | undefined>> {
  if (!path) return ok(undefined);
  try {
    return ok(await readFile(path));
  } catch (error) {
    return fail('CA_BUNDLE_UNREADABLE', `Cannot read CA bundle ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}

export function reportProblem(problem: { code: string; message: string }): 2 {
  progress(`noticewatch: [${problem.code}] ${problem.message}`);
  return 2;
}
