import { readFile } from 'node:fs/promises';
import net from 'node:net';

import { KeyedLimiter } from '../common/concurrency';
import { type Problem, problemFromError } from '../common/result';
import type { EndpointConfig } from '../config/types';
import { normaliseIpLiteral, validatePort } from '../net/address-guard';
import { boundedWait } from './abortable';
import { describeCertificate } from './certificate-info';
import { type LegacyProtocolName, WIRE_VERSION } from './client-hello';
import { type ConnectionSettings, defaultConnect, NEVER_CONNECTED, type ProbeOutcome, withRetry } from './connection';
import { type FindingId, severityOf } from './finding-ids';
import { checkPromises, effectiveMinTls, evaluatePolicy } from './policy';
import { rawProbe } from './raw-probe';
import { resolveTarget } from './resolve-target';
import { type HandshakeOutcome, type HandshakeSession, tlsHandshake } from './tls-handshake';
import {
  type CertificateInfo,
  type EndpointCheckResult,
  PROTOCOL_NAMES,
  type ProtocolDetail,
  type ProtocolName,
  type ProtocolVerdict,
  type TlsCheckOptions,
} from './types';

const DEFAULT_TIMEOUT_MS = 5000;
const LEGACY: readonly LegacyProtocolName[] = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2'];

type Outcome = ProbeOutcome & { attempts: number };

interface Target {
  readonly endpoint: EndpointConfig;
  readonly port: number;
  /** SNI to send, null for IP literals. */
  readonly sni: string | null;
  /** Name the certificate must match. */
  readonly expectedName: string;
  readonly ca: string | Buffer | undefined;
}

function emptyResult(endpoint: EndpointConfig, port: number, started: number, problem: Problem): EndpointCheckResult {
  const detail: ProtocolDetail = { verdict: 'error', reason: problem.message, attempts: 0 };
  const finding: FindingId = problem.code === 'ADDRESS_FORBIDDEN' ? 'ADDRESS_FORBIDDEN' : 'UNREACHABLE';
  return {
    id: endpoint.id,
    host: endpoint.host,
    port,
    servername: null,
    address: null,
    checkedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    minTls: endpoint.minTls ?? '1.2',
    protocols: Object.fromEntries(PROTOCOL_NAMES.map((n) => [n, 'error'])) as Record<ProtocolName, ProtocolVerdict>,
    protocolDetails: Object.fromEntries(PROTOCOL_NAMES.map((n) => [n, detail])) as Record<ProtocolName, ProtocolDetail>,
    certificate: null,
    compliant: false,
    findings: [{ id: finding, severity: severityOf(finding), message: problem.message }],
    problem,
  };
}

/**
 * Reads the refusals that say nothing by themselves (a fatal alert, a reset or a close, twice): on an address
 * where another version completed its handshake in this check the server is alive and speaks TLS, so they are
 * how it turns that version away (Debian's OpenSSL 3 sends internal_error, Schannel resets), as sslscan and
 * testssl.sh read them. Where nothing completed, they tell nothing and stay `error`.
 */
function readRefusals(outcomes: Record<ProtocolName, Outcome>, alive: boolean): Record<ProtocolName, Outcome> {
  const read = { ...outcomes };
  for (const name of PROTOCOL_NAMES) {
    const outcome = outcomes[name];
    if (outcome.verdict !== 'error' || outcome.refusal === undefined) continue;
    read[name] = alive
      ? { ...outcome, verdict: 'rejected', reason: outcome.refusal }
      : {
          ...outcome,
          reason: `${outcome.refusal}; no version completed a handshake on this address, so this does not tell whether the version is offered`,
        };
  }
  return read;
}

async function checkAddress(
  target: Target,
  address: string,
  options: TlsCheckOptions,
  limiter: KeyedLimiter,
): Promise<EndpointCheckResult> {
  const started = Date.now();
  const settings: ConnectionSettings = {
    address,
    port: target.port,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    connect: options.connect ?? defaultConnect,
    signal: options.signal,
  };
  const limited = <T>(task: () => Promise<T>): Promise<T> => limiter.run(address, task);
  const handshake = (
    min: 'TLSv1' | 'TLSv1.3',
    max: 'TLSv1.2' | 'TLSv1.3',
  ): Promise<HandshakeOutcome & { attempts: number }> =>
    withRetry(() =>
      limited(() =>
        tlsHandshake({ ...settings, servername: target.sni, minVersion: min, maxVersion: max, ca: target.ca }),
      ),
    );

  const [tls13, ...legacy] = await Promise.all([
    handshake('TLSv1.3', 'TLSv1.3'),
    ...LEGACY.map((name) => withRetry(() => limited(() => rawProbe(settings, WIRE_VERSION[name], target.sni)))),
  ]);
  const raw: Record<ProtocolName, Outcome> = {
    SSLv3: legacy[0],
    TLSv1: legacy[1],
    'TLSv1.1': legacy[2],
    'TLSv1.2': legacy[3],
    'TLSv1.3': tls13,
  };
  const everyAttemptFailedToConnect = PROTOCOL_NAMES.every(
    (n) => raw[n].failure !== undefined && NEVER_CONNECTED.has(raw[n].failure),
  );

  let session: HandshakeSession | undefined = tls13.session;
  if (!session && LEGACY.some((name) => raw[name].verdict === 'accepted')) {
    session = (await handshake('TLSv1', 'TLSv1.2')).session;
  }
  const outcomes = readRefusals(raw, session !== undefined);
  const now = options.now?.() ?? new Date();
  const certificate: CertificateInfo | null = session?.certificate
    ? describeCertificate(session.certificate, {
        expectedName: target.expectedName,
        authorized: session.authorized,
        authorizationError: session.authorizationError,
        now,
      })
    : null;

  const protocolDetails = Object.fromEntries(
    PROTOCOL_NAMES.map((name) => {
      const o = outcomes[name];
      const detail: ProtocolDetail = {
        verdict: o.verdict,
        reason: o.reason,
        attempts: o.attempts,
        ...(o.cipher ? { cipher: o.cipher } : {}),
      };
      return [name, detail];
    }),
  ) as Record<ProtocolName, ProtocolDetail>;
  const promises = options.promises?.get(target.endpoint.id) ?? [];
  const configuredMinTls = target.endpoint.minTls ?? '1.2';
  const minTls = effectiveMinTls(configuredMinTls, promises);
  const policy = evaluatePolicy({
    minTls,
    configuredMinTls,
    promises,
    protocols: protocolDetails,
    certificate,
    unreachableReason: everyAttemptFailedToConnect ? outcomes.TLSv1.reason : null,
    now,
    expiryWarningDays: options.expiryWarningDays ?? 30,
  });
  return {
    id: target.endpoint.id,
    host: target.endpoint.host,
    port: target.port,
    servername: target.sni,
    address,
    checkedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    minTls,
    ...(policy.promises ? { configuredMinTls, promises: policy.promises } : {}),
    protocols: Object.fromEntries(PROTOCOL_NAMES.map((n) => [n, outcomes[n].verdict])) as Record<
      ProtocolName,
      ProtocolVerdict
    >,
    protocolDetails,
    certificate,
    compliant: policy.compliant,
    findings: policy.findings,
  };
}

/** A result that never got to the policy (bad port, DNS failure, defect) still names the promises it could not verify. */
function withUnverifiedPromises(
  result: EndpointCheckResult,
  endpoint: EndpointConfig,
  options: TlsCheckOptions,
): EndpointCheckResult {
  const promises = options.promises?.get(endpoint.id) ?? [];
  if (promises.length === 0 || result.promises) return result;
  const unverified = checkPromises(promises, null);
  const configuredMinTls = endpoint.minTls ?? '1.2';
  return {
    ...result,
    minTls: effectiveMinTls(configuredMinTls, promises),
    configuredMinTls,
    promises: unverified.checks,
    findings: [...result.findings, ...unverified.findings],
  };
}

/** An exception while checking is a bug or an exotic input, not a fact about the server: never compliant. */
function internalErrorResult(
  endpoint: EndpointConfig,
  port: number,
  started: number,
  error: unknown,
  address: string | null = null,
): EndpointCheckResult {
  const problem = problemFromError(
    'INTERNAL_ERROR',
    `Checking ${endpoint.id}${address ? ` at ${address}` : ''} failed unexpectedly; please report this`,
    error,
  );
  const result = emptyResult(endpoint, port, started, problem);
  return {
    ...result,
    address,
    findings: [{ id: 'CHECK_FAILED', severity: severityOf('CHECK_FAILED'), message: problem.message }],
  };
}

async function checkEndpointWith(
  endpoint: EndpointConfig,
  options: TlsCheckOptions,
  limiter: KeyedLimiter,
): Promise<EndpointCheckResult[]> {
  const results = await checkEndpointOnce(endpoint, options, limiter);
  return results.map((result) => withUnverifiedPromises(result, endpoint, options));
}

async function checkEndpointOnce(
  endpoint: EndpointConfig,
  options: TlsCheckOptions,
  limiter: KeyedLimiter,
): Promise<EndpointCheckResult[]> {
  const started = Date.now();
  let port = 0;
  try {
    const validPort = validatePort(endpoint.port ?? 443);
    if (!validPort.ok) return [emptyResult(endpoint, 0, started, validPort.problem)];
    port = validPort.value;
    return await checkValidEndpoint(endpoint, port, started, options, limiter);
  } catch (error) {
    return [internalErrorResult(endpoint, port, started, error)];
  }
}

async function checkValidEndpoint(
  endpoint: EndpointConfig,
  port: number,
  started: number,
  options: TlsCheckOptions,
  limiter: KeyedLimiter,
): Promise<EndpointCheckResult[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const resolved = await resolveTarget(endpoint.host, {
    allowPrivate: options.allowPrivate,
    allAddresses: endpoint.allAddresses,
    lookup: options.lookup,
    opaqueErrors: options.opaqueErrors,
    signal: options.signal,
    timeoutMs,
  });
  if (!resolved.ok) return [emptyResult(endpoint, port, started, resolved.problem)];

  let ca = options.ca;
  if (endpoint.ca) {
    const unreadable = (detail: string): EndpointCheckResult[] => [
      emptyResult(endpoint, port, started, {
        code: 'CA_BUNDLE_UNREADABLE',
        message: `CA bundle ${endpoint.ca} could not be read (${detail}).`,
      }),
    ];
    try {
      const read = await boundedWait(readFile(endpoint.ca, { signal: options.signal }), {
        signal: options.signal,
        timeoutMs,
      });
      if (read.kind === 'timeout') return unreadable(`timed out after ${timeoutMs} ms`);
      if (read.kind === 'aborted') return unreadable('run deadline reached');
      ca = read.value;
    } catch (error) {
      return unreadable((error as NodeJS.ErrnoException).code ?? String(error));
    }
  }
  const name = endpoint.servername ?? endpoint.host;
  const literal = normaliseIpLiteral(name);
  const target: Target = {
    endpoint,
    port,
    sni: literal !== null || net.isIP(name) ? null : name,
    expectedName: literal ?? name,
    ca,
  };
  // One address failing unexpectedly must not lose the others.
  return Promise.all(
    resolved.value.map((address) =>
      checkAddress(target, address, options, limiter).catch((error: unknown) =>
        internalErrorResult(endpoint, port, started, error, address),
      ),
    ),
  );
}

/**
 * Checks one endpoint: resolves and guards its addresses, probes SSLv3..TLS 1.3 on each (all, or the first),
 * and evaluates the policy. Never throws: network conditions become verdicts, findings or `problem`, and an
 * unexpected exception becomes an `INTERNAL_ERROR` problem (never compliant).
 * Private and loopback targets are refused unless `allowPrivate` is set.
 */
export function checkEndpoint(endpoint: EndpointConfig, options: TlsCheckOptions = {}): Promise<EndpointCheckResult[]> {
  return checkEndpointWith(
    endpoint,
    options,
    options.connections ?? new KeyedLimiter(options.perAddressConnections ?? 2),
  );
}

/** The result for an endpoint whose check threw (a defect): never compliant, with a CHECK_FAILED finding. */
export function checkFailedResult(endpoint: EndpointConfig, error: unknown): EndpointCheckResult {
  return internalErrorResult(endpoint, endpoint.port ?? 443, Date.now(), error);
}
