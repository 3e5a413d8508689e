import { cipherSuiteName } from './cipher-suites';
import { buildClientHello } from './client-hello';
import {
  type ConnectionSettings,
  errorOutcome,
  failureFromError,
  type ProbeOutcome,
  runConnection,
} from './connection';
import { alertName, parseServerAnswer, type ServerAnswer, versionLabel } from './server-answer';

/**
 * Alerts by which servers say "not this version" or "nothing in common at this version": `rejected` at once.
 * Any other fatal alert (internal_error, unrecognized_name, ...) is a refusal sign, read by the caller.
 */
const REFUSAL_ALERTS = new Set([10, 40, 47, 50, 70, 71, 86]);

/** Turns the server's first answer to a hello pinned at `offered` into a verdict. */
export function verdictFromAnswer(
  answer: Exclude<ServerAnswer, { kind: 'incomplete' }>,
  offered: number,
): ProbeOutcome {
  switch (answer.kind) {
    case 'server-hello': {
      if (answer.version === offered) {
        return {
          verdict: 'accepted',
          reason: `ServerHello ${versionLabel(answer.version)}`,
          cipher: cipherSuiteName(answer.cipherSuite),
        };
      }
      if (answer.version < offered) {
        return { verdict: 'rejected', reason: `server answered with lower version ${versionLabel(answer.version)}` };
      }
      return errorOutcome('not-tls', `server chose ${versionLabel(answer.version)}, which was not offered`);
    }
    case 'alert':
      if (REFUSAL_ALERTS.has(answer.description))
        return { verdict: 'rejected', reason: `alert ${alertName(answer.description)}` };
      return errorOutcome('alert', `alert ${alertName(answer.description)}`);
    case 'sslv2-server-hello':
      return { verdict: 'rejected', reason: 'server answered in SSL 2.0 only' };
    case 'not-tls':
      return errorOutcome('not-tls', `not TLS: ${answer.detail}`);
  }
}

/** One connection: send a ClientHello pinned at `version`, read until the first answer decides, close. */
export function rawProbe(
  settings: ConnectionSettings,
  version: number,
  servername: string | null,
): Promise<ProbeOutcome> {
  return runConnection<ProbeOutcome>(settings, (socket, finish) => {
    let received = Buffer.alloc(0);
    let connected = false;
    socket.on('connect', () => {
      connected = true;
      socket.write(buildClientHello({ version, servername }));
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = parseServerAnswer(received);
      if (answer.kind !== 'incomplete') finish(verdictFromAnswer(answer, version));
    });
    const closed = (): ProbeOutcome =>
      received.length === 0
        ? errorOutcome('closed', 'closed after ClientHello without an answer')
        : errorOutcome('not-tls', 'connection closed inside an incomplete answer');
    socket.on('end', () => finish(closed()));
    socket.on('error', (error) => {
      const { failure, reason } = failureFromError(error, connected);
      finish(errorOutcome(failure, reason));
    });
    socket.on('close', () => finish(closed()));
    return {
      onTimeout: () =>
        connected
          ? errorOutcome(
              'timeout',
              received.length ? 'timed out inside an incomplete answer' : 'no answer before timeout',
            )
          : errorOutcome('connect-timeout', 'connect timed out'),
    };
  });
}
