import type { X509Certificate } from 'node:crypto';
import tls from 'node:tls';

import type { CertificateInfo } from './types';

const SIGNATURE_OIDS: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10040.4.3': 'dsa-with-SHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-SHA256',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  secp384r1: 384,
  secp521r1: 521,
  secp256k1: 256,
  secp224r1: 224,
};

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

function readTlv(der: Buffer, offset: number): Tlv | null {
  if (offset + 2 > der.length) return null;
  const tag = der[offset];
  let length = der[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > der.length) return null;
    length = der.readUIntBE(start, count);
    start += count;
  }
  return start + length <= der.length ? { tag, start, end: start + length } : null;
}

function decodeOid(bytes: Buffer): string {
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let value = 0;
  for (const byte of bytes.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** Certificate.signatureAlgorithm (X.509 outer field): node:crypto does not expose it in Node 20. */
export function signatureAlgorithmOf(der: Buffer): string {
  const certificate = readTlv(der, 0);
  const tbs = certificate && readTlv(der, certificate.start);
  const algorithm = tbs && readTlv(der, tbs.end);
  const oid = algorithm && readTlv(der, algorithm.start);
  if (!oid || oid.tag !== 0x06) return 'unknown';
  const dotted = decodeOid(der.subarray(oid.start, oid.end));
  return SIGNATURE_OIDS[dotted] ?? dotted;
}

function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function subjectAltNames(x509: X509Certificate): string[] {
  if (!x509.subjectAltName) return [];
  return x509.subjectAltName
    .split(/,\s*/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

export interface CertificateContext {
  /** The name the certificate must match (SNI name, or the IP literal). */
  readonly expectedName: string;
  readonly authorized: boolean;
  readonly authorizationError: string | null;
  readonly now: Date;
}

export function describeCertificate(x509: X509Certificate, context: CertificateContext): CertificateInfo {
  const validFrom = new Date(x509.validFrom);
  const validTo = new Date(x509.validTo);
  const key = x509.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const keyType = key.asymmetricKeyType ?? 'unknown';
  const keySize =
    details.modulusLength ??
    (details.namedCurve ? (CURVE_BITS[details.namedCurve] ?? null) : null) ??
    (keyType === 'ed25519' ? 256 : keyType === 'ed448' ? 456 : null);
  // checkServerIdentity wants the legacy object shape; toLegacyObject keeps subject/subjectaltname.
  const hostnameError = tls.checkServerIdentity(context.expectedName, x509.toLegacyObject());
  return {
    subject: oneLine(x509.subject),
    issuer: oneLine(x509.issuer),
    subjectAltNames: subjectAltNames(x509),
    validFrom: validFrom.toISOString(),
    validTo: validTo.toISOString(),
    daysRemaining: Math.floor((validTo.getTime() - context.now.getTime()) / 86_400_000),
    keyType,
    keySize,
    signatureAlgorithm: signatureAlgorithmOf(x509.raw),
    fingerprintSha256: x509.fingerprint256,
    trusted: context.authorized,
    ...(context.authorized ? {} : { trustError: context.authorizationError ?? 'chain not verified' }),
    hostnameMatches: hostnameError === undefined,
    ...(hostnameError === undefined ? {} : { hostnameError: hostnameError.message }),
  };
}
