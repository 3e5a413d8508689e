import type { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';

import {
  type ConnectionSettings,
  errorOutcome,
  failureFromError,
  type ProbeOutcome,
  runConnection,
} from './connection';

export interface HandshakeRequest extends ConnectionSettings {
  readonly servername: string | null;
  readonly minVersion: tls.SecureVersion;
  readonly maxVersion: tls.SecureVersion;
  /** PEM bundle replacing the system roots. */
  readonly ca?: string | Buffer;
}

export interface HandshakeSession {
  readonly protocol: string | null;
  readonly cipher: string | null;
  readonly certificate: X509Certificate | null;
  readonly authorized: boolean;
  readonly authorizationError: string | null;
}

export type HandshakeOutcome = ProbeOutcome & { readonly session?: HandshakeSession };

/** OpenSSL errors that are the server saying "not this version" (as opposed to "I could not tell"). */
const REFUSAL_CODES: Record<string, string> = {
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'alert protocol_version',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'alert handshake_failure',
  ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY: 'alert insufficient_security',
  ERR_SSL_TLSV1_ALERT_INAPPROPRIATE_FALLBACK: 'alert inappropriate_fallback',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'server answered with a lower version',
  ERR_SSL_TLSV1_ALERT_DECODE_ERROR: 'alert decode_error',
  ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER: 'alert illegal_parameter',
};

/** Errors that mean the bytes that came back were not TLS at all (plain HTTP on the port, ...). */
const NOT_TLS_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_RECORD_LAYER_FAILURE',
]);

/**
 * A node:tls handshake over a socket from the injectable connect function. Never rejects on certificate
 * problems: trust is reported (authorized / authorizationError) but host name checking is left to the caller.
 */
export function tlsHandshake(request: HandshakeRequest): Promise<HandshakeOutcome> {
  return runConnection<HandshakeOutcome>(request, (raw, finish) => {
    let connected = false;
    let peerClosed = false;
    raw.on('connect', () => {
      connected = true;
    });
    raw.on('end', () => {
      peerClosed = true;
    });
    const socket = tls.connect({
      socket: raw,
      // RFC 6066: no IP addresses in SNI. An explicit empty name stops Node deriving one from the socket.
      servername: request.servername && !net.isIP(request.servername) ? request.servername : '',
      minVersion: request.minVersion,
      maxVersion: request.maxVersion,
      // Legacy servers must still let us see their certificate; this is an inspection, not a data channel.
      ciphers: 'DEFAULT:@SECLEVEL=0',
      rejectUnauthorized: false,
      ca: request.ca,
      checkServerIdentity: () => undefined,
    });
    socket.on('secureConnect', () => {
      const cipher = socket.getCipher();
      const session: HandshakeSession = {
        protocol: socket.getProtocol(),
        cipher: cipher ? (cipher.standardName ?? cipher.name) : null,
        certificate: socket.getPeerX509Certificate() ?? null,
        authorized: socket.authorized,
        authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
      };
      finish({
        verdict: 'accepted',
        reason: `handshake completed with ${session.protocol}`,
        cipher: session.cipher ?? undefined,
        session,
      });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? '';
      if (code in REFUSAL_CODES) {
        finish({ verdict: 'rejected', reason: REFUSAL_CODES[code] });
      } else if (NOT_TLS_CODES.has(code)) {
        finish(errorOutcome('not-tls', `not TLS (${code})`));
      } else if (code === 'ECONNRESET' && peerClosed) {
        finish(errorOutcome('closed', 'connection closed without an answer'));
      } else if (code.startsWith('ERR_SSL_')) {
        finish(errorOutcome('other', `TLS error ${code}`));
      } else {
        const { failure, reason } = failureFromError(error);
        finish(errorOutcome(failure, reason));
      }
    });
    socket.on('close', () =>
      finish(errorOutcome(peerClosed ? 'closed' : 'other', 'connection closed before the handshake completed')),
    );
    return {
      onTimeout: () =>
        connected
          ? errorOutcome('timeout', 'no answer before timeout')
          : errorOutcome('connect-timeout', 'connect timed out'),
      destroy: () => socket.destroy(),
    };
  });
}
