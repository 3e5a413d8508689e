import net from 'node:net';

import type { ConnectFunction, ProtocolVerdict } from './types';

/**
 * Why a connection produced no usable answer. `refused`/`unreachable` mean we never reached a listener;
 * `alert`, `reset` and `closed` are the server turning our ClientHello away without saying why.
 */
export type ConnectionFailure =
  | 'refused'
  | 'unreachable'
  | 'connect-timeout'
  | 'timeout'
  | 'alert'
  | 'reset'
  | 'closed'
  | 'not-tls'
  | 'aborted'
  | 'other';

/** Failures where no listener was ever reached: they make an endpoint UNREACHABLE rather than undetermined. */
export const NEVER_CONNECTED: ReadonlySet<ConnectionFailure> = new Set(['refused', 'unreachable', 'connect-timeout']);

/**
 * A fatal alert, a reset or a close in answer to our ClientHello. That is how most servers refuse a version they
 * do not offer (Debian's OpenSSL 3 sends internal_error, Schannel resets), but a server that answers every
 * version so is telling nothing: the caller decides, knowing whether another version completed its handshake.
 */
const REFUSAL_SIGNS: ReadonlySet<ConnectionFailure> = new Set(['alert', 'reset', 'closed']);

/** Failures often transient on the network (reset, silent drop): worth one more attempt. */
const TRANSIENT: ReadonlySet<ConnectionFailure> = new Set(['reset', 'timeout', 'connect-timeout']);

export interface ProbeOutcome {
  readonly verdict: ProtocolVerdict;
  readonly reason: string;
  readonly cipher?: string;
  /** Set for `error` verdicts, and for `rejected` ones read from a refusal sign. */
  readonly failure?: ConnectionFailure;
  /**
   * Set on an `error` whose two attempts were both refusals (one a refusal sign): the evidence, e.g.
   * `alert internal_error` or `reset after ClientHello`. It becomes `rejected` once another version is known to
   * complete its handshake on the same address.
   */
  readonly refusal?: string;
}

export interface ConnectionSettings {
  readonly address: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly connect: ConnectFunction;
  readonly signal?: AbortSignal;
}

export const defaultConnect: ConnectFunction = (address, port) => net.connect({ host: address, port });

/** `helloSent`: the connection was up and our ClientHello written, so a reset is the answer to it. */
export function failureFromError(error: unknown, helloSent = false): { failure: ConnectionFailure; reason: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return { failure: 'refused', reason: 'connection refused' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
    case 'EAFNOSUPPORT':
      return { failure: 'unreachable', reason: `network unreachable (${code})` };
    case 'ECONNRESET':
    case 'EPIPE':
      return { failure: 'reset', reason: helloSent ? 'reset after ClientHello' : 'connection reset' };
    case 'ETIMEDOUT':
      return { failure: 'connect-timeout', reason: 'connect timed out' };
    default:
      return { failure: 'other', reason: code ? `${code}: ${message}` : message };
  }
}

/** The outcome of a connection that yielded nothing; `attempts` is added by the retry wrapper. */
export function errorOutcome(failure: ConnectionFailure, reason: string): ProbeOutcome {
  return { verdict: 'error', reason, failure };
}

/** The server turned the hello away: explicitly (`rejected`) or by a refusal sign. */
function isRefusal(outcome: ProbeOutcome): boolean {
  return (
    outcome.verdict === 'rejected' ||
    (outcome.verdict === 'error' && outcome.failure !== undefined && REFUSAL_SIGNS.has(outcome.failure))
  );
}

/**
 * One more attempt after a refusal (so a transient reset or alert is not read as "not offered") or after a
 * failure that is often transient (timeout). A refusal counts only when both attempts refused; the evidence of
 * both is kept. Anything else takes the second attempt's outcome.
 */
export async function withRetry<T extends ProbeOutcome>(attempt: () => Promise<T>): Promise<T & { attempts: number }> {
  const first = await attempt();
  const refused = isRefusal(first);
  if (!refused && !(first.verdict === 'error' && first.failure !== undefined && TRANSIENT.has(first.failure))) {
    return { ...first, attempts: 1 };
  }
  const second = await attempt();
  if (!refused || !isRefusal(second)) return { ...second, attempts: 2 };
  const evidence = first.reason === second.reason ? second.reason : `${first.reason}, then ${second.reason}`;
  if (first.verdict === 'rejected' && second.verdict === 'rejected') {
    return { ...second, reason: evidence, attempts: 2 };
  }
  return {
    ...second,
    verdict: 'error',
    reason: evidence,
    failure: second.failure ?? first.failure,
    refusal: evidence,
    attempts: 2,
  };
}

/** What a probe adds on top of the raw socket that `runConnection` opens for it. */
export interface ConnectionHooks<T> {
  /** The outcome when the per-connection timer fires before anything else settled the attempt. */
  readonly onTimeout: () => T;
  /** Tears down what is layered on the socket (a TLS wrapper); the socket itself is destroyed after. */
  readonly destroy?: () => void;
}

/**
 * One connection attempt, settled exactly once: by the probe calling `finish`, by the per-connection timer,
 * or by the run's abort signal (`aborted`). The socket is then destroyed, and the promise resolves only once
 * it has really closed, so the per-address cap counts open sockets, not pending ones. `attach` registers the
 * probe's own listeners; the close tracking is registered before them, so a `finish` from a `close` listener
 * still sees the socket as closed.
 */
export function runConnection<T extends ProbeOutcome>(
  settings: ConnectionSettings,
  attach: (socket: net.Socket, finish: (outcome: T) => void) => ConnectionHooks<T>,
): Promise<T | ProbeOutcome> {
  return new Promise((resolve) => {
    const aborted = (): ProbeOutcome => errorOutcome('aborted', 'run deadline reached');
    if (settings.signal?.aborted) {
      resolve(aborted());
      return;
    }
    const socket = settings.connect(settings.address, settings.port);
    let closed = false;
    socket.once('close', () => {
      closed = true;
    });
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let hooks: ConnectionHooks<T> | undefined;
    const finish = (outcome: T | ProbeOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      settings.signal?.removeEventListener('abort', onAbort);
      if (closed) resolve(outcome);
      else socket.once('close', () => resolve(outcome));
      hooks?.destroy?.();
      socket.destroy();
    };
    const onAbort = (): void => finish(aborted());
    hooks = attach(socket, finish);
    if (settled) return;
    const { onTimeout } = hooks;
    timer = setTimeout(() => finish(onTimeout()), settings.timeoutMs);
    settings.signal?.addEventListener('abort', onAbort);
  });
}
