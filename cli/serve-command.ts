import { randomBytes } from 'node:crypto';

import type { LogLevel } from '@azure/functions';

import { ok } from '../shared/common/result';
import { loadWatchlist, readSettings } from '../shared/config';
import type { ObjectStore } from '../shared/storage';
import { type CliOptions, cliStore, reportProblem, UsageError } from './cli-context';
import { progress } from './cli-output';
import {
  type FunctionsHttpHost,
  type HostedRoute,
  isLoopbackHost,
  startFunctionsHttpHost,
  urlHost,
} from './functions-http-host';
import { catchStopSignal } from './stop-signal';

/** The Functions host's own local port, so the URLs are the ones `func start` would give. */
export const DEFAULT_SERVE_PORT = 7071;
export const LOOPBACK = '127.0.0.1';
/** What function keys look like (the dashboard refuses anything else as `code`). */
const KEY_PATTERN = /^[A-Za-z0-9_\-=+/.~]{16,256}$/;

/** What @azure/functions prints when `app.http` runs outside the Functions host (see loadReadHandlers). */
const TEST_MODE_WARNING =
  /^WARNING: (Failed to detect the Azure Functions runtime|Skipping call to register function ".*" because the "@azure\/functions" package is in test mode)/;

/**
 * The handlers of functions/, loaded only when serving. Their modules register themselves with
 * `app.http`, and @azure/functions answers that outside the Functions host with a warning that it
 * switched to "test mode" and skips each registration: true but meaningless here, where this process
 * is the host. Those messages are dropped; anything else logged meanwhile goes through.
 */
async function loadReadHandlers() {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && TEST_MODE_WARNING.test(args[0]))) warn(...args);
  };
  try {
    // Loaded on demand (the other commands never pay for it); `.js` because import() resolves as ESM does.
    const [reports, dashboard, reviews] = await Promise.all([
      import('../functions/reports-http.js'),
      import('../functions/dashboard-http.js'),
      import('../functions/reviews-http.js'),
    ]);
    return {
      makeReportsHttpHandler: reports.makeReportsHttpHandler,
      makeDashboardHttpHandler: dashboard.makeDashboardHttpHandler,
      makeReviewsHttpHandler: reviews.makeReviewsHttpHandler,
    };
  } finally {
    console.warn = warn;
  }
}

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new UsageError(`--port must be a whole number from 0 to 65535 (0 picks a free port), got "${value}"`);
  return port;
}

export interface ReadApiServer extends FunctionsHttpHost {
  /** The dashboard's URL, with the key when one is needed. */
  readonly dashboardUrl: string;
}

export interface ReadApiOptions {
  readonly host: string;
  readonly port: number;
  /** Required on every request when set; see FunctionsHttpHostOptions.key. */
  readonly key?: string;
  /** Where the handlers' log goes; stderr by default. */
  readonly log?: (level: LogLevel, message: string) => void;
}

/**
 * The dashboard and the read API over `store`, on the same routes as the Functions app and through the
 * same handlers (`reportsList`/`reportsRead` on `reports/{*name}`, which also answers a notice's history
 * under `reports/notices/`, `reviewsPost`/`reviewsRead` on `reviews/{*report}`, `dashboardHttp` on
 * `dashboard/{*file}`).
 */
export async function startReadApi(store: ObjectStore, options: ReadApiOptions) {
  const { makeReportsHttpHandler, makeDashboardHttpHandler, makeReviewsHttpHandler } = await loadReadHandlers();
  const settings = readSettings();
  const deps = {
    settings,
    getStore: async () => ok(store),
    getWatchlist: () => loadWatchlist(settings.watchlistPath),
    now: () => new Date(),
  };
  const routes: HostedRoute[] = [
    { name: 'reportsRead', route: 'reports', param: 'name', handler: makeReportsHttpHandler(deps) },
    { name: 'reviews', route: 'reviews', param: 'report', handler: makeReviewsHttpHandler(deps) },
    { name: 'dashboardHttp', route: 'dashboard', param: 'file', handler: makeDashboardHttpHandler() },
  ];
  const started = await startFunctionsHttpHost({
    routes,
    host: options.host,
    port: options.port,
    key: options.key,
    log:
      options.log ??
      ((level, message) => {
        if (level !== 'trace' && level !== 'debug') progress(`serve: [${level}] ${message}`);
      }),
  });
  if (!started.ok) return started;
  const query = options.key ? `?code=${encodeURIComponent(options.key)}` : '';
  return ok({ ...started.value, dashboardUrl: `${started.value.origin}/api/dashboard/${query}` });
}

/** Off loopback a key guards the reports: NOTICEWATCH_SERVE_KEY, or a fresh one printed in the URL. */
function keyFor(host: string, env: NodeJS.ProcessEnv): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  const configured = env.NOTICEWATCH_SERVE_KEY;
  if (configured === undefined || configured === '') return randomBytes(24).toString('base64url');
  if (!KEY_PATTERN.test(configured))
    throw new UsageError(
      'NOTICEWATCH_SERVE_KEY must be 16 to 256 letters, digits or "_-=+/.~" (it is passed in the URL as ?code=)',
    );
  return configured;
}

/** `noticewatch serve`: the dashboard over the configured storage until Ctrl-C. */
export async function runServeCommand(options: CliOptions): Promise<number> {
  const port = parsePort(options.port, DEFAULT_SERVE_PORT);
  // Loopback unless the user names another address: the reports are the compliance team's evidence.
  const host = options.host ?? LOOPBACK;
  if (host.trim() === '') throw new UsageError('--host needs an address, e.g. 127.0.0.1');
  const key = keyFor(host, process.env);
  const stop = catchStopSignal();
  try {
    const opened = await cliStore(options, readSettings(), 'share');
    if (!opened.ok) return reportProblem(opened.problem);
    try {
      const server = await startReadApi(opened.value.store, { host, port, key });
      if (!server.ok) return reportProblem(server.problem);
      if (key)
        progress(
          `serve: listening on ${urlHost(host)} (not loopback): every request needs the key in the URL below (set NOTICEWATCH_SERVE_KEY to choose it)`,
        );
      progress(`serve: dashboard and read API over ${opened.value.store.description}; Ctrl-C to stop`);
      process.stdout.write(`${server.value.dashboardUrl}\n`);
      const signal = await stop.received;
      progress(`serve: ${signal}, stopping`);
      await server.value.close();
      return 0;
    } finally {
      await opened.value.close();
    }
  } finally {
    stop.dispose();
  }
}
