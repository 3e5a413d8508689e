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
  /** Time zone the timer schedules are read in: the Functions host's WEBSITE_TIME_ZONE, else UTC. */
  readonly timeZone: string;
  /** Public base URL of the app (`https://<app>.azurewebsites.net`), for links in alerts and feeds. */
  readonly publicUrl?: string;
  /** Consecutive failing runs of one check that open a `check-failing` alert. */
  readonly failingRunsToAlert: number;
}

/** Consecutive failing runs that open a check-failing alert when nothing else is configured. */
export const DEFAULT_FAILING_RUNS_TO_ALERT = 3;

/** Only an absolute http(s) URL is a usable base for links; anything else is ignored. */
function baseUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}

/**
 * Run time limits. A run starts no new work after its budget, and returns by budget + grace
 * (abandoning what still hangs). Timer and CLI runs: 8 min + 60 s, inside the Consumption plan's
 * 10-minute function timeout. HTTP runs: 190 s + 20 s, inside Azure's 230 s request limit.
 */
export const RUN_GRACE_MS = 60_000;
export const HTTP_RUN_BUDGET_MS = 190_000;
export const HTTP_RUN_GRACE_MS = 20_000;

export interface RunWindow {
  readonly deadline: number;
  readonly hardDeadline: number;
}

export function runWindow(
  startedAt: Date,
  settings: Pick<NoticewatchSettings, 'runBudgetMs'>,
  kind: 'scheduled' | 'http',
): RunWindow {
  const budget = kind === 'http' ? Math.min(settings.runBudgetMs, HTTP_RUN_BUDGET_MS) : settings.runBudgetMs;
  const deadline = startedAt.getTime() + budget;
  return { deadline, hardDeadline: deadline + (kind === 'http' ? HTTP_RUN_GRACE_MS : RUN_GRACE_MS) };
}

/** Per-request fetch timeout when nothing else is configured; the fetcher's own default too. */
export const DEFAULT_FETCH_TIMEOUT_MS = 20_000;

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
    fetchTimeoutMs: positiveInt(env.NOTICEWATCH_FETCH_TIMEOUT_MS, DEFAULT_FETCH_TIMEOUT_MS),
    concurrency: positiveInt(env.NOTICEWATCH_CONCURRENCY, 4),
    tlsAllowAnyHost: env.TLS_ALLOW_ANY_HOST === 'true',
    tlsAllowPrivate: env.TLS_ALLOW_PRIVATE === 'true',
    tlsTimeoutMs: positiveInt(env.NOTICEWATCH_TLS_TIMEOUT_MS, 5_000),
    timeZone: env.WEBSITE_TIME_ZONE || 'UTC',
    publicUrl: baseUrl(env.NOTICEWATCH_PUBLIC_URL),
    failingRunsToAlert: positiveInt(env.NOTICEWATCH_ALERT_FAILING_RUNS, DEFAULT_FAILING_RUNS_TO_ALERT),
  };
}
