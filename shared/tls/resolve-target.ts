import dns from 'node:dns';
import { fail, ok, type Result } from '../common/result';
import { classifyAddress, isRelaxableReason, normaliseIpLiteral } from './address-guard';
import type { LookupFunction } from './types';

export interface ResolveTargetOptions {
  /** Permit loopback/private/unique-local/CGNAT addresses (trusted configuration, tests). Never metadata/platform. */
  readonly allowPrivate?: boolean;
  /** Return every address; otherwise only the first. Every address is validated either way. */
  readonly allAddresses?: boolean;
  readonly lookup?: LookupFunction;
  /** Same message for "does not resolve" and "resolves to a forbidden address". */
  readonly opaqueErrors?: boolean;
}

const OPAQUE_MESSAGE = 'Target cannot be checked.';

export const defaultLookup: LookupFunction = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

/**
 * Resolves `host` and validates every resulting address AFTER resolution (so a public name pointing at
 * 127.0.0.1 is caught), refusing the whole target if any address is forbidden: a name with one bad address
 * could be steered there by the resolver on the next call.
 */
export async function resolveTarget(host: string, options: ResolveTargetOptions = {}): Promise<Result<string[]>> {
  const refuse = (reason: string): Result<string[]> =>
    fail('ADDRESS_FORBIDDEN', options.opaqueErrors ? OPAQUE_MESSAGE : `Target address is not allowed (${reason}).`);
  const literal = normaliseIpLiteral(host);
  let addresses: string[];
  if (literal !== null) {
    addresses = [literal];
  } else {
    const lookup = options.lookup ?? defaultLookup;
    try {
      addresses = (await lookup(host)).map((entry) => entry.address);
    } catch (error) {
      if (options.opaqueErrors) return fail('ADDRESS_FORBIDDEN', OPAQUE_MESSAGE);
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      return fail('DNS_LOOKUP_FAILED', `Host name could not be resolved (${code}).`);
    }
    if (addresses.length === 0) {
      return options.opaqueErrors ? fail('ADDRESS_FORBIDDEN', OPAQUE_MESSAGE) : fail('DNS_LOOKUP_FAILED', 'Host name has no addresses.');
    }
  }
  for (const address of addresses) {
    const reason = classifyAddress(address);
    if (reason !== null && !(options.allowPrivate && isRelaxableReason(reason))) return refuse(reason);
  }
  return ok(options.allAddresses ? [...new Set(addresses)] : addresses.slice(0, 1));
}
