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

/** Alerts received before the server chose our version that are the server saying "not this version". */
const REFUSAL_ALERTS = new Set([
  'protocol_version',
  'handshake_failure',
  'insufficient_security',
  'inappropriate_fallback',
  'decode_error',
  'illegal_parameter',
]);
/** The same, said without an alert: the server answered with a version below the one offered. */
const LOWER_VERSION_CODE = 'ERR_SSL_UNSUPPORTED_PROTOCOL';

/**
 * Errors that mean the bytes that came back were not TLS at all (plain HTTP on the port, ...).
 * DATA_LENGTH_TOO_LONG is how OpenSSL 3.2+ (Node 22) reports the oversized record 3.0 (Node 20)
 * reports as PACKET_LENGTH_TOO_LONG.
 */
const NOT_TLS_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_DATA_LENGTH_TOO_LONG',
  'ERR_SSL_RECORD_LAYER_FAILURE',
]);

/**
 * OpenSSL reports an alert it received as `ERR_SSL_{SSLV3,TLSV1,TLSV13}_[ALERT_]<NAME>` (reason codes from 1000
 * up: 1000 + the alert number), and from 3.2 (Node 22) as `ERR_SSL_SSL/TLS_ALERT_<NAME>`; every such code is an
 * alert, so the name is read from the code.
 */
function receivedAlertName(code: string): string | null {
  const match = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13|SSL\/TLS)_(?:ALERT_)?([A-Z0-9_]+)$/.exec(code);
  return match ? match[1].toLowerCase().replace('user_cancelled', 'user_canceled') : null;
}

/**
 * A node:tls handshake over a socket from the injectable connect function. Never rejects on certificate
 * problems: trust is reported (authorized / authorizationError) but host name checking is left to the caller.
 */
export function tlsHandshake(request: HandshakeRequest): Promise<HandshakeOutcome> {
  return runConnection<HandshakeOutcome>(request, (raw, finish) => {
    let connected = false;
    let peerClosed = false;
    // Key material exists once the server has chosen our version (TLS 1.3: right after its ServerHello). From
    // then on an alert, reset or close is a failed handshake at that version, not a refusal of it.
    let versionChosen = false;
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
    // Once TLS owns the socket, the peer's FIN shows up here (the raw socket emits no 'end').
    socket.on('end', () => {
      peerClosed = true;
    });
    socket.on('keylog', () => {
      versionChosen = true;
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
    /** A refusal sign before the server chose our version; after that, the handshake merely failed. */
    const sign = (failure: 'alert' | 'reset' | 'closed', reason: string): HandshakeOutcome => {
      if (!versionChosen) return errorOutcome(failure, reason);
      const what = failure === 'alert' ? reason : `connection ${failure === 'reset' ? 'reset' : 'closed'}`;
      return errorOutcome('other', `handshake broken off after the server chose the version (${what})`);
    };
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? '';
      const alert = receivedAlertName(code);
      if (code === LOWER_VERSION_CODE && !versionChosen) {
        finish({ verdict: 'rejected', reason: 'server answered with a lower version' });
      } else if (alert !== null && REFUSAL_ALERTS.has(alert) && !versionChosen) {
        finish({ verdict: 'rejected', reason: `alert ${alert}` });
      } else if (NOT_TLS_CODES.has(code)) {
        finish(errorOutcome('not-tls', `not TLS (${code})`));
      } else if (alert !== null) {
        finish(sign('alert', `alert ${alert}`));
      } else if (code === 'ECONNRESET' && peerClosed) {
        finish(sign('closed', 'closed after ClientHello without an answer'));
      } else if (code.startsWith('ERR_SSL_')) {
        finish(errorOutcome('other', `TLS error ${code}`));
      } else {
        const { failure, reason } = failureFromError(error, connected);
        finish(failure === 'reset' && connected ? sign('reset', reason) : errorOutcome(failure, reason));
      }
    });
    socket.on('close', () =>
      finish(
        peerClosed
          ? sign('closed', 'closed after ClientHello without an answer')
          : errorOutcome('other', 'connection closed before the handshake completed'),
      ),
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
