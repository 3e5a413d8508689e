import dns from 'node:dns';

import { fail, ok, type Result } from '../common/result';
import { addressRefusal, normaliseIpLiteral } from '../net/address-guard';
import { boundedWait } from './abortable';
import type { LookupFunction } from './types';

export interface ResolveTargetOptions {
  /** Permit loopback/private/unique-local/CGNAT addresses (trusted configuration, tests). Never metadata/platform. */
  readonly allowPrivate?: boolean;
  /** Return every address; otherwise only the first. Every address is validated either way. */
  readonly allAddresses?: boolean;
  readonly lookup?: LookupFunction;
  /** Same message for "does not resolve" and "resolves to a forbidden address". */
  readonly opaqueErrors?: boolean;
  /** Gives up on the lookup when this aborts (the run's deadline). */
  readonly signal?: AbortSignal;
  /** Gives up on a lookup that takes longer than this. */
  readonly timeoutMs?: number;
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
      // A hanging resolver must not hold a run past its deadline, nor one endpoint past its timeout.
      const answer = await boundedWait(
        Promise.resolve().then(() => lookup(host)),
        { signal: options.signal, timeoutMs: options.timeoutMs },
      );
      if (answer.kind !== 'value') {
        if (options.opaqueErrors) return fail('ADDRESS_FORBIDDEN', OPAQUE_MESSAGE);
        return fail(
          'DNS_LOOKUP_FAILED',
          answer.kind === 'timeout'
            ? `Host name could not be resolved (lookup timed out after ${options.timeoutMs} ms).`
            : 'Host name could not be resolved (run deadline reached).',
        );
      }
      addresses = answer.value.map((entry) => entry.address);
    } catch (error) {
      if (options.opaqueErrors) return fail('ADDRESS_FORBIDDEN', OPAQUE_MESSAGE);
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      return fail('DNS_LOOKUP_FAILED', `Host name could not be resolved (${code}).`);
    }
    if (addresses.length === 0) {
      return options.opaqueErrors
        ? fail('ADDRESS_FORBIDDEN', OPAQUE_MESSAGE)
        : fail('DNS_LOOKUP_FAILED', 'Host name has no addresses.');
    }
  }
  for (const address of addresses) {
    const reason = addressRefusal(address, options.allowPrivate === true);
    if (reason !== null) return refuse(reason);
  }
  return ok(options.allAddresses ? [...new Set(addresses)] : addresses.slice(0, 1));
}
