import type net from 'node:net';

import type { KeyedLimiter } from '../common/concurrency';
import type { Problem } from '../common/result';
import type { TlsVersionName } from '../config/types';
import type { FindingId } from './finding-ids';

export type { TlsVersionName };

export type ProtocolName = 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export const PROTOCOL_NAMES: readonly ProtocolName[] = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** `error` means "could not tell" (unreachable, timeout, reset, not TLS); it never counts as rejected. */
export type ProtocolVerdict = 'accepted' | 'rejected' | 'error';

/**
 * Severity scale, most to least serious:
 * - critical: the notice's promise is broken right now (legacy SSLv3 accepted, expired certificate, no acceptable version);
 * - high: a clear policy breach (TLS version below the minimum accepted, untrusted chain, name mismatch, unreachable);
 * - medium: the check could not establish the facts (undetermined protocol, certificate unavailable);
 * - low: reserved for minor policy deviations;
 * - warning: needs attention soon but does not break compliance (certificate expiring, weak cipher negotiated);
 * - info: context only.
 * An endpoint is compliant exactly when none of its findings is critical, high, medium or low.
 */
export type FindingSeverity = 'critical' | 'high' | 'medium' | 'low' | 'warning' | 'info';

export interface TlsFinding {
  /** Stable id from the catalogue in finding-ids.ts. */
  readonly id: FindingId;
  readonly severity: FindingSeverity;
  readonly message: string;
}

export interface CertificateInfo {
  readonly subject: string;
  readonly issuer: string;
  readonly subjectAltNames: string[];
  /** ISO 8601. */
  readonly validFrom: string;
  /** ISO 8601. */
  readonly validTo: string;
  /** Whole days until `validTo`; negative once expired. */
  readonly daysRemaining: number;
  /** `rsa`, `ec`, `ed25519`, ... */
  readonly keyType: string;
  /** Modulus bits for RSA/DSA, curve size for EC/EdDSA; null when unknown. */
  readonly keySize: number | null;
  readonly signatureAlgorithm: string;
  readonly fingerprintSha256: string;
  /** Chain verifies against the system roots or the configured CA bundle. */
  readonly trusted: boolean;
  readonly trustError?: string;
  readonly hostnameMatches: boolean;
  readonly hostnameError?: string;
}

export interface ProtocolDetail {
  readonly verdict: ProtocolVerdict;
  /** Why we reached the verdict, e.g. `ServerHello TLS 1.2`, `alert protocol_version`, `timeout`. */
  readonly reason: string;
  /** IANA name of the negotiated suite, when accepted. */
  readonly cipher?: string;
  readonly attempts: number;
}

/** A notice's promise about this endpoint's transport, as read from the notice's latest good snapshot. */
export interface TlsPromise {
  /** Watchlist id of the notice. */
  readonly notice: string;
  readonly claim: 'tlsMinimum';
  /** The minimum TLS version the notice promises; null when it promises none or could not be read. */
  readonly value: TlsVersionName | null;
  /** The heading path and sentence that make the promise. */
  readonly evidence: { readonly heading: string; readonly text: string } | null;
  /** Set when the previous check of this endpoint used another value: the notice changed its promise. */
  readonly previousValue?: TlsVersionName | null;
  /** Why the notice's promises could not be read. */
  readonly problem?: Problem;
}

/** A promise and whether the endpoint keeps it: null when it cannot be told (nothing promised, verdicts unknown). */
export interface PromiseCheck extends TlsPromise {
  readonly holds: boolean | null;
}

export interface EndpointCheckResult {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** SNI sent; null for IP literal hosts. */
  readonly servername: string | null;
  /** Address connected to; null when the name could not be resolved or was refused. */
  readonly address: string | null;
  readonly checkedAt: string;
  readonly durationMs: number;
  /** The minimum checked against: the stricter of the endpoint's own and its notices' promises. */
  readonly minTls: TlsVersionName;
  /** The endpoint's own minTls, when it has linked notices (minTls may be stricter). */
  readonly configuredMinTls?: TlsVersionName;
  /** The promises of the notices the endpoint is linked to, each with whether it holds. */
  readonly promises?: PromiseCheck[];
  readonly protocols: Record<ProtocolName, ProtocolVerdict>;
  readonly protocolDetails: Record<ProtocolName, ProtocolDetail>;
  readonly certificate: CertificateInfo | null;
  readonly compliant: boolean;
  readonly findings: TlsFinding[];
  /** Set when the endpoint as a whole could not be checked (bad config, DNS failure, forbidden address). */
  readonly problem?: Problem;
}

export type LookupAddress = { address: string; family: number };
/** Same contract as `dns.promises.lookup(host, { all: true })`. */
export type LookupFunction = (host: string) => Promise<LookupAddress[]>;
/** Opens a TCP connection; both the raw probe and the node:tls handshake go through it, so it is the single choke point. */
export type ConnectFunction = (address: string, port: number) => net.Socket;

export interface TlsCheckOptions {
  /** Per-connection timeout (connect + first answer). Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Allow loopback/private/unique-local/CGNAT targets. Default false; metadata and platform addresses stay refused regardless. */
  readonly allowPrivate?: boolean;
  /** Same message for "does not resolve" and "forbidden", so callers cannot probe internal names. */
  readonly opaqueErrors?: boolean;
  /** PEM CA bundle content that anchors trust for every endpoint (an endpoint's own `ca` path wins). */
  readonly ca?: string | Buffer;
  /** Connections at once to one address. Default 2. */
  readonly perAddressConnections?: number;
  /** A per-address cap shared by several checks (a run passes one to all of its endpoints). */
  readonly connections?: KeyedLimiter;
  /** Days before expiry that raise CERT_EXPIRING_SOON. Default 30. */
  readonly expiryWarningDays?: number;
  readonly lookup?: LookupFunction;
  readonly connect?: ConnectFunction;
  /** Aborting destroys open sockets; pending probes end as `error`. */
  readonly signal?: AbortSignal;
  /** Clock, for certificate dates. */
  readonly now?: () => Date;
  /** The promises each endpoint (by id) must keep, from the notices it is linked to. */
  readonly promises?: ReadonlyMap<string, readonly TlsPromise[]>;
}
