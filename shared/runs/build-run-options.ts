import type { Progress } from '../common/pool';
import { type NoticewatchSettings, runWindow } from '../config/settings';
import type { NoticeCheckResult } from '../reports';
import type { EndpointCheckResult, TlsCheckOptions } from '../tls';
import type { DriftRunOptions } from './run-drift';
import type { RunOptions } from './run-options';
import type { TlsRunOptions } from './run-tls';

/** The settings a run's options come from: the host's (function app settings) or the CLI's, with its flags applied. */
export type RunSettings = Pick<NoticewatchSettings, 'runBudgetMs' | 'concurrency' | 'fetchTimeoutMs' | 'tlsTimeoutMs'>;

/** Who starts a run and when: everything a trigger knows that the options are built from. */
export interface RunStart<R> {
  readonly settings: RunSettings;
  /** HTTP runs get the shorter window that fits Azure's request limit; timer and CLI runs the full budget. */
  readonly trigger: 'timer' | 'http' | 'cli';
  readonly runId: string;
  readonly startedAt: Date;
  /** The trigger's clock, so deadlines and recorded times agree. */
  readonly now?: () => Date;
  readonly onProgress?: Progress<R>;
}

/**
 * Who may be checked, stated by name at each trigger: the watchlist is the operator's own configuration
 * (internal endpoints on it are checked, errors say why); a caller's input is not (on-demand HTTP).
 */
export interface TlsAccess {
  /** Loopback, private and other internal addresses may be checked (metadata addresses never). */
  readonly allowPrivate: boolean;
  /** "Does not resolve" and "forbidden" read the same, so a caller cannot probe internal names. */
  readonly opaqueErrors: boolean;
}

function commonRunOptions<R>(start: RunStart<R>): RunOptions<R> {
  return {
    runId: start.runId,
    startedAt: start.startedAt,
    ...runWindow(start.startedAt, start.settings, start.trigger === 'http' ? 'http' : 'scheduled'),
    concurrency: start.settings.concurrency,
    trigger: start.trigger,
    ...(start.now ? { now: start.now } : {}),
    ...(start.onProgress ? { onProgress: start.onProgress } : {}),
  };
}

/** The options of a drift run, for the timer, the HTTP function and the CLI alike. */
export function driftRunOptions(start: RunStart<NoticeCheckResult>): DriftRunOptions {
  return { ...commonRunOptions(start), fetchOptions: { timeoutMs: start.settings.fetchTimeoutMs } };
}

/** The options of a TLS run, for the timer, the HTTP function and the CLI alike. */
export function tlsRunOptions(
  start: RunStart<EndpointCheckResult>,
  access: TlsAccess,
  extra: Pick<TlsCheckOptions, 'ca' | 'lookup' | 'connect'> = {},
): TlsRunOptions {
  return {
    ...commonRunOptions(start),
    tls: {
      ...extra,
      allowPrivate: access.allowPrivate,
      opaqueErrors: access.opaqueErrors,
      timeoutMs: start.settings.tlsTimeoutMs,
    },
  };
}
