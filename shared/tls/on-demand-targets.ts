import { fail, ok, type Result } from '../common/result';
import type { EndpointConfig } from '../config/types';
import { WATCHLIST_ID } from '../config/watchlist';
import { normaliseIpLiteral, parseHostPort, validatePort } from '../net/address-guard';
import { resolveTarget } from './resolve-target';
import type { LookupFunction } from './types';

/** A target named by a caller (CLI argument, HTTP request): only a host and a port, nothing else. */
export interface TargetInput {
  readonly host: string;
  readonly port: number;
}

/** At most this many targets in one on-demand request. */
export const MAX_ON_DEMAND_TARGETS = 20;

const MAX_ID_LENGTH = 80;

/**
 * The endpoint for a `HOST:PORT` that is not on the watchlist. Its id is derived from the host and port:
 * lower-case, characters outside `[a-z0-9.-]` become `-`, runs of dots collapse, leading non-alphanumerics
 * go, and `-PORT` ends it (the host part is shortened so the whole stays within 80 characters).
 */
export function adHocEndpoint(target: TargetInput): EndpointConfig {
  const suffix = `-${target.port}`;
  const hostPart = target.host
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, MAX_ID_LENGTH - suffix.length);
  // A host made only of separators (`::`) leaves just the port, which is still a valid id.
  const id = `${hostPart}${suffix}`.replace(/^[^a-z0-9]+/, '');
  if (!WATCHLIST_ID.test(id)) throw new Error(`ad-hoc endpoint id "${id}" does not match the watchlist id pattern`);
  return { id, host: target.host, port: target.port };
}

/** The same host and port named twice (any case, any IP literal spelling) is one target. */
function targetKey(target: TargetInput): string {
  return `${normaliseIpLiteral(target.host) ?? target.host.toLowerCase()}|${target.port}`;
}

/** Drops repeated targets, keeping the first spelling and the order. */
export function uniqueTargets<T extends TargetInput>(targets: readonly T[]): T[] {
  const seen = new Set<string>();
  return targets.filter((target) => {
    const key = targetKey(target);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * One target from a request: `"host[:port]"` or `{ "host": "...", "port": 443 }`. Only host and port are taken:
 * a CA path or SNI name from a request is a file read or a confusion waiting to happen. `index` names the item
 * in messages (null for a single target).
 */
export function parseTargetInput(input: unknown, index: number | null): Result<TargetInput> {
  const where = index === null ? '' : `item ${index}: `;
  if (typeof input === 'string') {
    const parsed = parseHostPort(input);
    return parsed.ok ? parsed : fail(parsed.problem.code, `${where}${parsed.problem.message}`);
  }
  if (!input || typeof input !== 'object' || Array.isArray(input))
    return fail('TARGET_INVALID', `${where}each target is "host[:port]" or { "host": "...", "port": 443 }.`);
  const { host, port, ...rest } = input as Record<string, unknown>;
  if (Object.keys(rest).length)
    return fail(
      'TARGET_INVALID',
      `${where}unknown field "${Object.keys(rest)[0].slice(0, 40)}"; only "host" and "port" are accepted.`,
    );
  if (typeof host !== 'string' || !host.trim())
    return fail('HOST_INVALID', `${where}"host" must be a non-empty string.`);
  const parsed = parseHostPort(host);
  if (!parsed.ok) return fail(parsed.problem.code, `${where}${parsed.problem.message}`);
  if (port === undefined) return parsed;
  const checkedPort = validatePort(port);
  return checkedPort.ok
    ? ok({ host: parsed.value.host, port: checkedPort.value })
    : fail(checkedPort.problem.code, `${where}${checkedPort.problem.message}`);
}

/**
 * A parsed JSON body: a list of targets, or `{ "endpoints": [...] }`. Every item must be valid; at most
 * `maxTargets` items (counted before duplicates are dropped); repeated targets are checked once.
 */
export function parseTargetList(body: unknown, maxTargets = MAX_ON_DEMAND_TARGETS): Result<TargetInput[]> {
  const list = Array.isArray(body)
    ? body
    : body && typeof body === 'object' && Array.isArray((body as { endpoints?: unknown }).endpoints)
      ? (body as { endpoints: unknown[] }).endpoints
      : null;
  if (!list) return fail('JSON_INVALID', 'The body must be a JSON list of targets (or { "endpoints": [...] }).');
  if (list.length === 0) return fail('TARGET_INVALID', 'The list of targets is empty.');
  if (list.length > maxTargets) return fail('TOO_MANY_TARGETS', `At most ${maxTargets} targets per request.`);
  const targets: TargetInput[] = [];
  for (const [index, item] of list.entries()) {
    const target = parseTargetInput(item, index);
    if (!target.ok) return target;
    targets.push(target.value);
  }
  return ok(uniqueTargets(targets));
}

/** The watchlist endpoint with this host (any case) and port, if there is one. */
export function findWatchlistEndpoint(
  endpoints: readonly EndpointConfig[],
  target: TargetInput,
): EndpointConfig | undefined {
  return endpoints.find(
    (endpoint) => endpoint.host.toLowerCase() === target.host.toLowerCase() && (endpoint.port ?? 443) === target.port,
  );
}

/** Who may ask for what on demand (the HTTP API): the host's TLS_ALLOW_ANY_HOST and TLS_ALLOW_PRIVATE. */
export interface OnDemandPolicy {
  /** Hosts that are not on the watchlist may be checked. */
  readonly allowAnyHost: boolean;
  /** Loopback, private and other internal addresses may be checked (metadata addresses never). */
  readonly allowPrivate: boolean;
  readonly lookup?: LookupFunction;
  /** Bound on each name resolution. */
  readonly timeoutMs: number;
}

/**
 * The endpoints an on-demand request may check, or TARGET_NOT_ALLOWED for the first target it may
 * not: watchlist endpoints only unless `allowAnyHost`, and every address a target resolves to must
 * be allowed, checked before any connection (the check validates again after its own resolution,
 * so a name that re-resolves elsewhere is caught too). The refusal reads the same whether the name
 * exists or not. Two spellings of one watchlist endpoint (host case) are one check.
 */
export async function authoriseTargets(
  targets: readonly TargetInput[],
  watchlist: readonly EndpointConfig[],
  policy: OnDemandPolicy,
): Promise<Result<EndpointConfig[]>> {
  const endpoints: EndpointConfig[] = [];
  for (const target of targets) {
    const listed = findWatchlistEndpoint(watchlist, target);
    if (!listed && !policy.allowAnyHost)
      return fail(
        'TARGET_NOT_ALLOWED',
        `${target.host}:${target.port} is not an endpoint on the watchlist; only watchlist endpoints can be checked on demand.`,
      );
    const endpoint = listed ?? adHocEndpoint(target);
    if (!endpoints.some((known) => known.id === endpoint.id)) endpoints.push(endpoint);
  }
  for (const endpoint of endpoints) {
    const resolved = await resolveTarget(endpoint.host, {
      allowPrivate: policy.allowPrivate,
      allAddresses: true,
      opaqueErrors: true,
      lookup: policy.lookup,
      timeoutMs: policy.timeoutMs,
    });
    if (!resolved.ok)
      return fail('TARGET_NOT_ALLOWED', `${endpoint.host}:${endpoint.port ?? 443} cannot be checked from here.`);
  }
  return ok(endpoints);
}
