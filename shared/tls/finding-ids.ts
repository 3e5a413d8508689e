import type { FindingSeverity } from './types';

/**
 * Every TLS finding id, with its severity and meaning: a public contract like the problem codes
 * (`shared/common/problem-codes.ts`). Endpoint reports and latest.json store `findings[].id`, and
 * dashboards key on it. The README's table is generated from this list (`npm run docs:codes`).
 *
 * There is no finding for TLS 1.3 being accepted: the highest `minTls` is 1.3, so TLS 1.3 is never
 * below the minimum.
 */
export const FINDING_IDS = {
  SSLV3_ACCEPTED: ['critical', 'SSL 3.0 is accepted (always below the minimum).'],
  TLS1_0_ACCEPTED: ['high', 'TLS 1.0 is accepted but the minimum is higher.'],
  TLS1_1_ACCEPTED: ['high', 'TLS 1.1 is accepted but the minimum is higher.'],
  TLS1_2_ACCEPTED: ['high', 'TLS 1.2 is accepted but the minimum is TLS 1.3.'],
  NO_ACCEPTABLE_VERSION: ['critical', 'No version at or above the minimum is accepted.'],
  PROTOCOL_UNDETERMINED: ['medium', 'Support for a version could not be determined (refused, timeout, not TLS).'],
  WEAK_CIPHER_NEGOTIATED: ['warning', 'A version negotiated a weak cipher suite (RC4, 3DES, EXPORT, NULL, ...).'],
  CERT_UNAVAILABLE: ['medium', 'No certificate could be retrieved; trust, name and dates are unverified.'],
  CERT_EXPIRED: ['critical', 'The certificate has expired.'],
  CERT_NOT_YET_VALID: ['high', 'The certificate is not valid yet.'],
  CERT_EXPIRING_SOON: ['warning', 'The certificate expires within 30 days (does not break compliance).'],
  CERT_UNTRUSTED: ['high', 'The chain does not verify against the system roots or the configured CA.'],
  CERT_HOSTNAME_MISMATCH: ['high', 'The certificate does not match the host name.'],
  UNREACHABLE: ['high', 'No connection reached a listener, or the name could not be resolved.'],
  ADDRESS_FORBIDDEN: ['high', 'The name resolves to a refused address; nothing was connected to.'],
  PROMISE_BROKEN: ['high', 'A linked notice promises a TLS minimum, and a version below it is accepted.'],
  PROMISE_UNAVAILABLE: ['warning', "A linked notice's promises could not be read; its own minTls was used."],
  PROMISE_CHANGED: ['info', 'A linked notice promises another TLS minimum than at the last check.'],
  CHECK_FAILED: ['high', 'A defect while checking (with an INTERNAL_ERROR problem); please report it.'],
} as const satisfies Record<string, readonly [FindingSeverity, string]>;

export type FindingId = keyof typeof FINDING_IDS;

export function severityOf(id: FindingId): FindingSeverity {
  return FINDING_IDS[id][0];
}
