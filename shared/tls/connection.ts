import net from 'node:net';
import type { ConnectFunction, ProtocolVerdict } from './types';

/** Why a connection produced no usable answer. `refused`/`unreachable` mean we never reached a listener. */
export type ConnectionFailure =
  | 'refused'
  | 'unreachable'
  | 'connect-timeout'
  | 'timeout'
  | 'reset'
  | 'closed'
  | 'not-tls'
  | 'aborted'
  | 'other';

/** Failures where no listener was ever reached: they make an endpoint UNREACHABLE rather than undetermined. */
export const NEVER_CONNECTED: ReadonlySet<ConnectionFailure> = new Set(['refused', 'unreachable', 'connect-timeout']);

export interface ProbeOutcome {
  readonly verdict: ProtocolVerdict;
  readonly reason: string;
  readonly cipher?: string;
  /** Set for `error` verdicts, and for `rejected` ones inferred from a close. */
  readonly failure?: ConnectionFailure;
}

export interface ConnectionSettings {
  readonly address: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly connect: ConnectFunction;
  readonly signal?: AbortSignal;
}

export const defaultConnect: ConnectFunction = (address, port) => net.connect({ host: address, port });

export function failureFromError(error: unknown): { failure: ConnectionFailure; reason: string } {
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
      return { failure: 'reset', reason: 'connection reset' };
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

/** One retry for the failures that are often transient on the network (reset, silent drop). */
export async function withRetry<T extends ProbeOutcome>(attempt: () => Promise<T>): Promise<T & { attempts: number }> {
  const first = await attempt();
  if (first.verdict === 'error' && (first.failure === 'reset' || first.failure === 'timeout' || first.failure === 'connect-timeout')) {
    const second = await attempt();
    return { ...second, attempts: 2 };
  }
  return { ...first, attempts: 1 };
}
