import { weakCipherReason } from './cipher-suites';
import {
  type CertificateInfo,
  type FindingSeverity,
  PROTOCOL_NAMES,
  type ProtocolDetail,
  type ProtocolName,
  type TlsFinding,
  type TlsVersionName,
} from './types';

const RANK: Record<ProtocolName, number> = { SSLv3: 0, TLSv1: 1, 'TLSv1.1': 2, 'TLSv1.2': 3, 'TLSv1.3': 4 };
const MIN_RANK: Record<TlsVersionName, number> = { '1.0': 1, '1.1': 2, '1.2': 3, '1.3': 4 };
const ACCEPTED_ID: Record<ProtocolName, string> = {
  SSLv3: 'SSLV3_ACCEPTED',
  TLSv1: 'TLS1_0_ACCEPTED',
  'TLSv1.1': 'TLS1_1_ACCEPTED',
  'TLSv1.2': 'TLS1_2_ACCEPTED',
  'TLSv1.3': 'TLS1_3_ACCEPTED',
};
const LABEL: Record<ProtocolName, string> = {
  SSLv3: 'SSL 3.0',
  TLSv1: 'TLS 1.0',
  'TLSv1.1': 'TLS 1.1',
  'TLSv1.2': 'TLS 1.2',
  'TLSv1.3': 'TLS 1.3',
};
/** Severities that break compliance; `warning` and `info` do not. */
const BLOCKING: ReadonlySet<FindingSeverity> = new Set(['critical', 'high', 'medium', 'low']);
/** Trust errors that are only about dates; they are reported as CERT_EXPIRED / CERT_NOT_YET_VALID instead. */
const DATE_ONLY_TRUST_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

export interface PolicyInput {
  readonly minTls: TlsVersionName;
  readonly protocols: Record<ProtocolName, ProtocolDetail>;
  readonly certificate: CertificateInfo | null;
  /** Set when no connection ever reached a listener: every other fact is unknown, so it is the only finding. */
  readonly unreachableReason: string | null;
  readonly now: Date;
  readonly expiryWarningDays: number;
}

export function isCompliant(findings: readonly TlsFinding[]): boolean {
  return !findings.some((finding) => BLOCKING.has(finding.severity));
}

export function evaluatePolicy(input: PolicyInput): { compliant: boolean; findings: TlsFinding[] } {
  const findings: TlsFinding[] = [];
  const add = (id: string, severity: FindingSeverity, message: string): void => {
    findings.push({ id, severity, message });
  };
  if (input.unreachableReason !== null) {
    add(
      'UNREACHABLE',
      'high',
      `Endpoint could not be reached (${input.unreachableReason}); nothing could be verified.`,
    );
    return { compliant: false, findings };
  }
  const minRank = MIN_RANK[input.minTls];
  for (const name of PROTOCOL_NAMES) {
    if (RANK[name] < minRank && input.protocols[name].verdict === 'accepted') {
      add(
        ACCEPTED_ID[name],
        name === 'SSLv3' ? 'critical' : 'high',
        `${LABEL[name]} is accepted but the policy requires TLS ${input.minTls} or higher.`,
      );
    }
  }
  const atOrAbove = PROTOCOL_NAMES.filter((name) => RANK[name] >= minRank);
  const undetermined = PROTOCOL_NAMES.filter((name) => input.protocols[name].verdict === 'error');
  if (undetermined.length > 0) {
    const detail = undetermined.map((name) => `${LABEL[name]}: ${input.protocols[name].reason}`).join('; ');
    add(
      'PROTOCOL_UNDETERMINED',
      'medium',
      `Could not determine support for ${undetermined.map((n) => LABEL[n]).join(', ')} (${detail}).`,
    );
  }
  if (
    !atOrAbove.some((name) => input.protocols[name].verdict === 'accepted') &&
    atOrAbove.every((name) => input.protocols[name].verdict === 'rejected')
  ) {
    add('NO_ACCEPTABLE_VERSION', 'critical', `No protocol version at or above TLS ${input.minTls} is accepted.`);
  }
  for (const name of PROTOCOL_NAMES) {
    const cipher = input.protocols[name].cipher;
    const weakness = cipher ? weakCipherReason(cipher) : null;
    if (cipher && weakness)
      add('WEAK_CIPHER_NEGOTIATED', 'warning', `${LABEL[name]} negotiated ${cipher} (${weakness}).`);
  }
  const cert = input.certificate;
  if (cert === null) {
    add(
      'CERT_UNAVAILABLE',
      'medium',
      'No certificate could be retrieved, so trust, host name and validity are unverified.',
    );
    return { compliant: isCompliant(findings), findings };
  }
  const now = input.now.getTime();
  if (now > Date.parse(cert.validTo)) {
    add('CERT_EXPIRED', 'critical', `Certificate expired on ${cert.validTo}.`);
  } else if (now < Date.parse(cert.validFrom)) {
    add('CERT_NOT_YET_VALID', 'high', `Certificate is not valid before ${cert.validFrom}.`);
  } else if (cert.daysRemaining <= input.expiryWarningDays) {
    add('CERT_EXPIRING_SOON', 'warning', `Certificate expires in ${cert.daysRemaining} day(s), on ${cert.validTo}.`);
  }
  if (!cert.trusted && !DATE_ONLY_TRUST_ERRORS.has(cert.trustError ?? '')) {
    add('CERT_UNTRUSTED', 'high', `Certificate chain is not trusted (${cert.trustError ?? 'unknown reason'}).`);
  }
  if (!cert.hostnameMatches) {
    add(
      'CERT_HOSTNAME_MISMATCH',
      'high',
      `Certificate does not match the host name (${cert.hostnameError ?? 'no matching name'}).`,
    );
  }
  return { compliant: isCompliant(findings), findings };
}
