import { weakCipherReason } from './cipher-suites';
import { type FindingId, severityOf } from './finding-ids';
import {
  type CertificateInfo,
  type FindingSeverity,
  type PromiseCheck,
  PROTOCOL_NAMES,
  type ProtocolDetail,
  type ProtocolName,
  type TlsFinding,
  type TlsPromise,
  type TlsVersionName,
} from './types';

const RANK: Record<ProtocolName, number> = { SSLv3: 0, TLSv1: 1, 'TLSv1.1': 2, 'TLSv1.2': 3, 'TLSv1.3': 4 };
const MIN_RANK: Record<TlsVersionName, number> = { '1.0': 1, '1.1': 2, '1.2': 3, '1.3': 4 };
/** TLS 1.3 has none: the highest minimum is 1.3, so it is never below the minimum. */
const ACCEPTED_ID: Record<Exclude<ProtocolName, 'TLSv1.3'>, FindingId> = {
  SSLv3: 'SSLV3_ACCEPTED',
  TLSv1: 'TLS1_0_ACCEPTED',
  'TLSv1.1': 'TLS1_1_ACCEPTED',
  'TLSv1.2': 'TLS1_2_ACCEPTED',
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
  /** The minimum checked against (see effectiveMinTls). */
  readonly minTls: TlsVersionName;
  /** The endpoint's own minimum, when promises may have raised minTls above it. */
  readonly configuredMinTls?: TlsVersionName;
  /** Promises of linked notices the endpoint must keep. */
  readonly promises?: readonly TlsPromise[];
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

/** The stricter of the endpoint's own minimum and every minimum its linked notices promise. */
export function effectiveMinTls(configured: TlsVersionName, promises: readonly TlsPromise[]): TlsVersionName {
  let strictest = configured;
  for (const promise of promises)
    if (promise.value !== null && MIN_RANK[promise.value] > MIN_RANK[strictest]) strictest = promise.value;
  return strictest;
}

function quote(evidence: TlsPromise['evidence']): string {
  return evidence ? ` ("${evidence.text}", under "${evidence.heading}")` : '';
}

/**
 * Whether each promise holds: broken when a version below the promised minimum is accepted, kept
 * when every such version is rejected, unknown (null) when one could not be determined or nothing
 * is promised. Findings say which notice, which promise and which sentence; a notice that changed
 * its promise since the last check is noted, as is one whose promises could not be read.
 */
export function checkPromises(
  promises: readonly TlsPromise[],
  protocols: Record<ProtocolName, ProtocolDetail> | null,
): { checks: PromiseCheck[]; findings: TlsFinding[] } {
  const findings: TlsFinding[] = [];
  const add = (id: FindingId, message: string): void => {
    findings.push({ id, severity: severityOf(id), message });
  };
  const checks = promises.map((promise): PromiseCheck => {
    if (promise.problem)
      add(
        'PROMISE_UNAVAILABLE',
        `The promises of notice ${promise.notice} could not be read (${promise.problem.message}); the endpoint was checked against its own minTls only.`,
      );
    if (promise.previousValue !== undefined && promise.previousValue !== promise.value)
      add(
        'PROMISE_CHANGED',
        `Notice ${promise.notice} now promises ${promise.value ? `TLS ${promise.value} or higher` : 'no minimum TLS version'} (the last check used ${promise.previousValue ? `TLS ${promise.previousValue}` : 'no promise'}); this check used the new promise${quote(promise.evidence)}.`,
      );
    if (promise.value === null || protocols === null) return { ...promise, holds: null };
    const below = PROTOCOL_NAMES.filter((name) => RANK[name] < MIN_RANK[promise.value!]);
    const accepted = below.filter((name) => protocols[name].verdict === 'accepted');
    if (accepted.length > 0) {
      add(
        'PROMISE_BROKEN',
        `Notice ${promise.notice} promises TLS ${promise.value} or higher${quote(promise.evidence)}, but ${accepted.map((name) => LABEL[name]).join(', ')} ${accepted.length === 1 ? 'is' : 'are'} accepted.`,
      );
      return { ...promise, holds: false };
    }
    return { ...promise, holds: below.some((name) => protocols[name].verdict === 'error') ? null : true };
  });
  return { checks, findings };
}

export function evaluatePolicy(input: PolicyInput): {
  compliant: boolean;
  findings: TlsFinding[];
  promises?: PromiseCheck[];
} {
  const findings: TlsFinding[] = [];
  const add = (id: FindingId, message: string): void => {
    findings.push({ id, severity: severityOf(id), message });
  };
  const linked = input.promises ?? [];
  if (input.unreachableReason !== null) {
    add('UNREACHABLE', `Endpoint could not be reached (${input.unreachableReason}); nothing could be verified.`);
    const unknown = checkPromises(linked, null);
    findings.push(...unknown.findings);
    return { compliant: false, findings, ...(linked.length ? { promises: unknown.checks } : {}) };
  }
  const minRank = MIN_RANK[input.minTls];
  const raisedBy = linked.filter((promise) => promise.value === input.minTls).map((promise) => promise.notice);
  const why =
    input.configuredMinTls && input.configuredMinTls !== input.minTls
      ? ` (promised by notice ${raisedBy.join(', ')}; the endpoint's own minTls is ${input.configuredMinTls})`
      : '';
  for (const name of PROTOCOL_NAMES) {
    if (name !== 'TLSv1.3' && RANK[name] < minRank && input.protocols[name].verdict === 'accepted') {
      add(ACCEPTED_ID[name], `${LABEL[name]} is accepted but the policy requires TLS ${input.minTls} or higher${why}.`);
    }
  }
  const promised = checkPromises(linked, input.protocols);
  findings.push(...promised.findings);
  const atOrAbove = PROTOCOL_NAMES.filter((name) => RANK[name] >= minRank);
  const undetermined = PROTOCOL_NAMES.filter((name) => input.protocols[name].verdict === 'error');
  if (undetermined.length > 0) {
    const detail = undetermined.map((name) => `${LABEL[name]}: ${input.protocols[name].reason}`).join('; ');
    add(
      'PROTOCOL_UNDETERMINED',
      `Could not determine support for ${undetermined.map((n) => LABEL[n]).join(', ')} (${detail}).`,
    );
  }
  if (
    !atOrAbove.some((name) => input.protocols[name].verdict === 'accepted') &&
    atOrAbove.every((name) => input.protocols[name].verdict === 'rejected')
  ) {
    add('NO_ACCEPTABLE_VERSION', `No protocol version at or above TLS ${input.minTls} is accepted.`);
  }
  for (const name of PROTOCOL_NAMES) {
    const cipher = input.protocols[name].cipher;
    const weakness = cipher ? weakCipherReason(cipher) : null;
    if (cipher && weakness) add('WEAK_CIPHER_NEGOTIATED', `${LABEL[name]} negotiated ${cipher} (${weakness}).`);
  }
  const cert = input.certificate;
  if (cert === null) {
    add('CERT_UNAVAILABLE', 'No certificate could be retrieved, so trust, host name and validity are unverified.');
    return { compliant: isCompliant(findings), findings, ...(linked.length ? { promises: promised.checks } : {}) };
  }
  const now = input.now.getTime();
  if (now > Date.parse(cert.validTo)) {
    add('CERT_EXPIRED', `Certificate expired on ${cert.validTo}.`);
  } else if (now < Date.parse(cert.validFrom)) {
    add('CERT_NOT_YET_VALID', `Certificate is not valid before ${cert.validFrom}.`);
  } else if (cert.daysRemaining <= input.expiryWarningDays) {
    add('CERT_EXPIRING_SOON', `Certificate expires in ${cert.daysRemaining} day(s), on ${cert.validTo}.`);
  }
  if (!cert.trusted && !DATE_ONLY_TRUST_ERRORS.has(cert.trustError ?? '')) {
    add('CERT_UNTRUSTED', `Certificate chain is not trusted (${cert.trustError ?? 'unknown reason'}).`);
  }
  if (!cert.hostnameMatches) {
    add(
      'CERT_HOSTNAME_MISMATCH',
      `Certificate does not match the host name (${cert.hostnameError ?? 'no matching name'}).`,
    );
  }
  return { compliant: isCompliant(findings), findings, ...(linked.length ? { promises: promised.checks } : {}) };
}
