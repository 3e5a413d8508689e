import { join, sep } from 'node:path';

/** Where the package's own files are, whether running from source (vitest) or compiled into dist/. */
export function packageRoot(): string {
  const marker = `${sep}dist${sep}`;
  const index = __dirname.lastIndexOf(marker);
  return index >= 0 ? __dirname.slice(0, index) : join(__dirname, '..', '..');
}

export function defaultWatchlistPath(): string {
  return join(packageRoot(), 'content', 'watchlist.json');
}

export interface NoticewatchSettings {
  readonly watchlistPath: string;
  readonly connectionString?: string;
  readonly accountUrl?: string;
  readonly driftSchedule: string;
  readonly tlsSchedule: string;
  /** A run stops starting new work after this long; below the Consumption plan's 10-minute cap. */
  readonly runBudgetMs: number;
  readonly fetchTimeoutMs: number;
  readonly concurrency: number;
  /** On-demand TLS checks may target hosts that are not on the watchlist. */
  readonly tlsAllowAnyHost: boolean;
  /** On-demand TLS checks may target loopback, private and other internal addresses. */
  readonly tlsAllowPrivate: boolean;
  readonly tlsTimeoutMs: number;
}

export const DEFAULT_DRIFT_SCHEDULE = '0 0 */6 * * *';
export const DEFAULT_TLS_SCHEDULE = '0 30 3 * * *';

function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): NoticewatchSettings {
  return {
    watchlistPath: env.NOTICEWATCH_WATCHLIST || defaultWatchlistPath(),
    connectionString: env.AZURE_STORAGE_CONNECTION_STRING || undefined,
    accountUrl: env.NOTICEWATCH_STORAGE_ACCOUNT_URL || undefined,
    driftSchedule: env.DRIFT_SCHEDULE || DEFAULT_DRIFT_SCHEDULE,
    tlsSchedule: env.TLS_SCHEDULE || DEFAULT_TLS_SCHEDULE,
    runBudgetMs: positiveInt(env.NOTICEWATCH_RUN_BUDGET_MS, 8 * 60_000),
    fetchTimeoutMs: positiveInt(env.NOTICEWATCH_FETCH_TIMEOUT_MS, 20_000),
    concurrency: positiveInt(env.NOTICEWATCH_CONCURRENCY, 4),
    tlsAllowAnyHost: env.TLS_ALLOW_ANY_HOST === 'true',
    tlsAllowPrivate: env.TLS_ALLOW_PRIVATE === 'true',
    tlsTimeoutMs: positiveInt(env.NOTICEWATCH_TLS_TIMEOUT_MS, 5_000),
  };
}
