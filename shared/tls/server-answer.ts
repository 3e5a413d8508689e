/** Reading the server's first answer to a raw ClientHello, from bytes as they arrive (records may be fragmented). */

export type ServerAnswer =
  | {
      readonly kind: 'server-hello';
      /** `server_version` field. */
      readonly legacyVersion: number;
      /** The version actually chosen (`supported_versions` when present, else `server_version`). */
      readonly version: number;
      readonly cipherSuite: number;
    }
  | { readonly kind: 'alert'; readonly level: number; readonly description: number }
  | { readonly kind: 'sslv2-server-hello' }
  | { readonly kind: 'not-tls'; readonly detail: string }
  | { readonly kind: 'incomplete' };

const CONTENT_CHANGE_CIPHER_SPEC = 20;
const CONTENT_ALERT = 21;
const CONTENT_HANDSHAKE = 22;
const CONTENT_APPLICATION_DATA = 23;
const ALERT_WARNING = 1;
const ALERT_CLOSE_NOTIFY = 0;
const MAX_RECORD = 16384 + 2048;
const MAX_BUFFERED = 64 * 1024;

const ALERT_NAMES: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  21: 'decryption_failed',
  22: 'record_overflow',
  30: 'decompression_failure',
  40: 'handshake_failure',
  41: 'no_certificate',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  60: 'export_restriction',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  100: 'no_renegotiation',
  109: 'missing_extension',
  110: 'unsupported_extension',
  112: 'unrecognized_name',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

export function alertName(description: number): string {
  return ALERT_NAMES[description] ?? `alert ${description}`;
}

export function versionLabel(version: number): string {
  switch (version) {
    case 0x0002:
      return 'SSL 2.0';
    case 0x0300:
      return 'SSL 3.0';
    case 0x0301:
      return 'TLS 1.0';
    case 0x0302:
      return 'TLS 1.1';
    case 0x0303:
      return 'TLS 1.2';
    case 0x0304:
      return 'TLS 1.3';
    default:
      return `0x${version.toString(16).padStart(4, '0')}`;
  }
}

function printable(data: Buffer): string {
  const text = data.subarray(0, 24).toString('latin1');
  return /^[\x20-\x7e\r\n\t]+$/.test(text)
    ? JSON.stringify(text.split(/\r?\n/)[0])
    : data.subarray(0, 8).toString('hex');
}

function parseServerHello(body: Buffer): ServerAnswer {
  // version(2) random(32) session_id<0..32> cipher_suite(2) compression(1) [extensions<0..2^16-1>]
  if (body.length < 38) return { kind: 'not-tls', detail: 'truncated ServerHello' };
  const legacyVersion = body.readUInt16BE(0);
  let offset = 34;
  const sessionIdLength = body[offset];
  offset += 1 + sessionIdLength;
  if (sessionIdLength > 32 || offset + 3 > body.length) return { kind: 'not-tls', detail: 'malformed ServerHello' };
  const cipherSuite = body.readUInt16BE(offset);
  offset += 3;
  let version = legacyVersion;
  if (offset + 2 <= body.length) {
    const end = Math.min(body.length, offset + 2 + body.readUInt16BE(offset));
    offset += 2;
    while (offset + 4 <= end) {
      const type = body.readUInt16BE(offset);
      const length = body.readUInt16BE(offset + 2);
      offset += 4;
      if (type === 0x002b && length === 2 && offset + 2 <= end) version = body.readUInt16BE(offset);
      offset += length;
    }
  }
  return { kind: 'server-hello', legacyVersion, version, cipherSuite };
}

/**
 * Decides what the server said, given every byte received so far. Returns `incomplete` until a decision is
 * possible, so callers re-run it on each chunk; the inputs are tiny, so re-parsing beats keeping state.
 */
export function parseServerAnswer(data: Buffer): ServerAnswer {
  if (data.length === 0) return { kind: 'incomplete' };
  const first = data[0];
  if (first & 0x80) {
    // SSLv2 two-byte header: length with the high bit set, then message type 4 = SERVER-HELLO.
    if (data.length < 3) return { kind: 'incomplete' };
    if (data[2] === 4) return { kind: 'sslv2-server-hello' };
    return { kind: 'not-tls', detail: `unrecognised answer ${printable(data)}` };
  }
  let handshake = Buffer.alloc(0);
  let alertBytes = Buffer.alloc(0);
  let offset = 0;
  while (true) {
    if (data.length - offset < 5) break;
    const type = data[offset];
    const major = data[offset + 1];
    const length = data.readUInt16BE(offset + 3);
    const knownType = type >= CONTENT_CHANGE_CIPHER_SPEC && type <= CONTENT_APPLICATION_DATA;
    if (!knownType || major !== 3 || length > MAX_RECORD) {
      return { kind: 'not-tls', detail: `unrecognised answer ${printable(data.subarray(offset))}` };
    }
    if (data.length - offset - 5 < length) break;
    const payload = data.subarray(offset + 5, offset + 5 + length);
    offset += 5 + length;
    if (type === CONTENT_ALERT) {
      alertBytes = Buffer.concat([alertBytes, payload]);
      while (alertBytes.length >= 2) {
        const [level, description] = alertBytes;
        // A warning (a TLS 1.2 server's unrecognized_name, say) may precede the ServerHello and refuses nothing;
        // only a fatal alert or close_notify ends the answer.
        if (level === ALERT_WARNING && description !== ALERT_CLOSE_NOTIFY) {
          alertBytes = alertBytes.subarray(2);
          continue;
        }
        return { kind: 'alert', level, description };
      }
      continue;
    }
    if (type !== CONTENT_HANDSHAKE) {
      return { kind: 'not-tls', detail: `record type ${type} before ServerHello` };
    }
    handshake = Buffer.concat([handshake, payload]);
    while (handshake.length >= 4) {
      const messageType = handshake[0];
      const messageLength = handshake.readUIntBE(1, 3);
      if (messageType === 0 && messageLength === 0) {
        // HelloRequest may legally precede anything; it carries no information for us.
        handshake = handshake.subarray(4);
        continue;
      }
      if (messageType !== 2) return { kind: 'not-tls', detail: `handshake message ${messageType} before ServerHello` };
      if (messageLength > MAX_RECORD * 4) return { kind: 'not-tls', detail: 'oversized ServerHello' };
      if (handshake.length < 4 + messageLength) break;
      return parseServerHello(handshake.subarray(4, 4 + messageLength));
    }
  }
  if (data.length > MAX_BUFFERED) return { kind: 'not-tls', detail: 'no ServerHello within 64 KiB' };
  return { kind: 'incomplete' };
}
