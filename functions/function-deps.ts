import type { InvocationContext } from '@azure/functions';

import type { Progress } from '../shared/common/pool';
import { redactSecrets } from '../shared/common/redact';
import type { Result } from '../shared/common/result';
import { loadWatchlist, type NoticewatchSettings, readSettings, type Watchlist } from '../shared/config';
import { type NotificationSummary, type NotifyOptions, notifyOptions } from '../shared/notify';
import type { NoticeCheckResult } from '../shared/reports';
import { type ObjectStore, openStore } from '../shared/storage';
import type { EndpointCheckResult, TlsCheckOptions } from '../shared/tls';

/** What every handler needs; tests pass their own, the host gets the real ones from app settings. */
export interface FunctionDeps {
  readonly settings: NoticewatchSettings;
  getStore(): Promise<Result<ObjectStore>>;
  getWatchlist(): Promise<Result<Watchlist>>;
  now(): Date;
  /** Connection-layer overrides (lookup, connect); tests use them to prove what is never connected to. */
  readonly tls?: Pick<TlsCheckOptions, 'lookup' | 'connect'>;
  /** App settings that channel URLs and secrets are read from; process.env by default. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * In the Functions host, storage comes from AZURE_STORAGE_CONNECTION_STRING, or
 * NOTICEWATCH_STORAGE_ACCOUNT_URL (managed identity), else the app's own AzureWebJobsStorage.
 * There is no embedded emulator here: a function never starts child processes.
 */
export function hostDeps(env: NodeJS.ProcessEnv = process.env): FunctionDeps {
  const settings = readSettings(env);
  // Opened once per deps (one per function file), on first use, and retried after a failure.
  let cachedStore: Promise<Result<ObjectStore>> | null = null;
  return {
    settings,
    getStore() {
      const connectionString = settings.connectionString ?? (settings.accountUrl ? undefined : env.AzureWebJobsStorage);
      cachedStore ??= openStore({ connectionString, accountUrl: settings.accountUrl }).then((opened) => {
        if (!opened.ok) {
          cachedStore = null;
          return opened;
        }
        return { ok: true as const, value: opened.value.store };
      });
      return cachedStore;
    },
    getWatchlist: () => loadWatchlist(settings.watchlistPath),
    now: () => new Date(),
    env,
  };
}

/** How a scheduled or HTTP run alerts: the watchlist's channels, with URLs and secrets from the app settings. */
export function runNotifyOptions(deps: FunctionDeps, watchlist: Watchlist): NotifyOptions {
  return notifyOptions(watchlist.channels, deps.settings, deps.env ?? process.env);
}

export function logProblems(
  context: InvocationContext,
  what: string,
  problems: ReadonlyArray<{ code: string; message: string }>,
): void {
  for (const problem of problems) context.warn(redactSecrets(`${what}: [${problem.code}] ${problem.message}`));
}

/** One line for the alerts a run delivered, and one per delivery still pending or given up. */
export function logNotifications(context: InvocationContext, what: string, notifications?: NotificationSummary): void {
  if (!notifications) return;
  const { recorded, sent, pending, failed, deliveries } = notifications;
  context.log(`${what} alerts: ${recorded} recorded, ${sent} sent, ${pending} pending, ${failed} failed`);
  for (const delivery of deliveries)
    if (delivery.state !== 'sent')
      context.warn(
        redactSecrets(
          `${what} alert ${delivery.kind} ${delivery.subject} -> ${delivery.channel}: ${delivery.state} after ${delivery.attempts} attempt(s)${delivery.lastError ? ` [${delivery.lastError.code}] ${delivery.lastError.message}` : ''}`,
        ),
      );
}

/** Drift progress in the invocation log, one line per notice. */
export function logDriftProgress(context: InvocationContext): Progress<NoticeCheckResult> {
  return (result, done, total) =>
    context.log(
      redactSecrets(
        `drift ${done}/${total} ${result.id}: ${result.status}${result.error ? ` (${result.error.code}: ${result.error.message})` : ''}`,
      ),
    );
}

/** TLS progress in the invocation log, one line per endpoint address. */
export function logTlsProgress(context: InvocationContext): Progress<EndpointCheckResult> {
  return (result, done, total) =>
    context.log(
      `tls ${done}/${total} ${result.id} ${result.address ?? ''}: ${result.problem ? result.problem.code : result.compliant ? 'compliant' : 'not compliant'}`,
    );
}
