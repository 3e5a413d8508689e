import dns from 'node:dns';
import type net from 'node:net';

import { addressRefusal } from './address-guard';

/** A resolver with dns.lookup's `all: true` shape; injectable so tests can answer differently on each call. */
export type ResolveAll = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

export interface AddressRefused {
  readonly host: string;
  readonly address: string;
  /** The range the address falls in (`loopback`, `cloud-metadata`, ...), from addressRefusal. */
  readonly reason: string;
}

/** The error a refused lookup ends with; its code lets a caller tell it from a DNS failure. */
export const ADDRESS_REFUSED_CODE = 'ADDRESS_FORBIDDEN';

const resolveWithDns: ResolveAll = (hostname, options, callback) => dns.lookup(hostname, options, callback);

/**
 * A `lookup` for an http(s) agent that applies the address policy to what the name resolves to at
 * connection time: the addresses it vets are the ones the socket connects to, so a name that answers
 * public to one lookup and private to the next (DNS rebinding) cannot slip between a check and the
 * connection. If any address is refused the whole name is: a resolver could steer the next try there.
 * IP literals never reach a lookup (Node connects to them directly), so callers vet those themselves.
 */
export function guardedLookup(
  allowPrivate: boolean,
  onRefused: (refused: AddressRefused) => void,
  resolve: ResolveAll = resolveWithDns,
): net.LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      for (const { address } of addresses) {
        const reason = addressRefusal(address, allowPrivate);
        if (reason !== null) {
          onRefused({ host: hostname, address, reason });
          const refusal: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${address} (${reason})`);
          refusal.code = ADDRESS_REFUSED_CODE;
          return callback(refusal, '', 0);
        }
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) {
        const none: NodeJS.ErrnoException = new Error(`${hostname} has no addresses`);
        none.code = 'ENOTFOUND';
        return callback(none, '', 0);
      }
      callback(null, first.address, first.family);
    });
  };
}
