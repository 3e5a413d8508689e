import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { redactSecrets } from '../shared/common/redact';
import { fail, ok, type Result } from '../shared/common/result';
import { loadWatchlist, type NoticewatchSettings, type Watchlist } from '../shared/config';
import { connectionStringFor, findSharedAzurite, type OpenedStore, openStore } from '../shared/storage';
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
  readonly port?: string;
  readonly host?: string;
  readonly once?: boolean;
}

/** Numbers from the command line, checked before anything is started. */
export interface RunLimits {
  readonly fetchTimeoutMs: number;
  readonly tlsTimeoutMs: number;
  readonly concurrency: number;
}

function positiveInteger(value: string | undefined, name: string, fallback: number): Result<number> {
  if (value === undefined) return ok(fallback);
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0
    ? ok(parsed)
    : fail('USAGE', `--${name} must be a positive whole number, got "${value}"`);
}

/** `--timeout` sets both the fetch and the TLS connection timeout; without it each keeps its own default. */
export function runLimits(options: CliOptions, settings: NoticewatchSettings): Result<RunLimits> {
  const timeout = positiveInteger(options.timeout, 'timeout', 0);
  if (!timeout.ok) return timeout;
  const concurrency = positiveInteger(options.concurrency, 'concurrency', settings.concurrency);
  if (!concurrency.ok) return concurrency;
  return ok({
    fetchTimeoutMs: timeout.value || settings.fetchTimeoutMs,
    tlsTimeoutMs: timeout.value || settings.tlsTimeoutMs,
    concurrency: concurrency.value,
  });
}

export async function cliWatchlist(options: CliOptions, settings: NoticewatchSettings): Promise<Result<Watchlist>> {
  const watchlist = await loadWatchlist(options.watchlist ?? settings.watchlistPath);
  if (watchlist.ok)
    for (const problem of watchlist.value.problems) progress(`watchlist: [${problem.code}] ${problem.message}`);
  return watchlist;
}

/**
 * Connection string, account URL, or else the embedded Azurite persisting in the working folder: the
 * one `noticewatch serve` keeps running there if it does (`share` is for serve itself), else a new one.
 */
export async function cliStore(
  options: CliOptions,
  settings: NoticewatchSettings,
  embedded: 'join' | 'share' = 'join',
): Promise<Result<OpenedStore>> {
  const embeddedLocation = process.env.NOTICEWATCH_DATA_DIR || join(process.cwd(), '.noticewatch');
  const connectionString = options.storage ?? settings.connectionString;
  if (!connectionString && !settings.accountUrl) {
    const shared = embedded === 'join' ? await findSharedAzurite(embeddedLocation) : null;
    if (shared) {
      progress(
        `storage: using the embedded Azurite that noticewatch serve (pid ${shared.pid}) runs under ${embeddedLocation}`,
      );
      return openStore({ connectionString: connectionStringFor(shared.blobEndpoint) });
    }
    progress(`storage: no storage configured, starting an embedded Azurite under ${embeddedLocation}`);
  }
  return openStore({
    connectionString,
    accountUrl: settings.accountUrl,
    embeddedLocation,
    shareEmbedded: embedded === 'share',
  });
}

export async function cliCaBundle(path: string | undefined): Promise<Result<Buffer | undefined>> {
  if (!path) return ok(undefined);
  try {
    return ok(await readFile(path));
  } catch (error) {
    return fail(
      'CA_BUNDLE_UNREADABLE',
      `Cannot read CA bundle ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
}

/** A run that cannot start or finish: the reason on stderr and, with --json, as the one JSON document on stdout. */
export function reportProblem(problem: { code: string; message: string }, json = false): 2 {
  progress(`noticewatch: [${problem.code}] ${problem.message}`);
  if (json)
    process.stdout.write(
      `${JSON.stringify({ error: { code: problem.code, message: redactSecrets(problem.message) } }, null, 2)}\n`,
    );
  return 2;
}
