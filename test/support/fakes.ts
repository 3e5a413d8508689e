import type { Timer } from '@azure/functions';

import type { ObjectStore } from '../../shared/storage';

/** A timer invocation as the Functions host passes it; late (`isPastDue`) when asked. */
export function fakeTimer(isPastDue = false): Timer {
  return { isPastDue, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };
}

type StoreOperation = 'get' | 'create' | 'swap' | 'list' | 'listPage';
/** Replacements for some of a store's operations; the others go to the base store unchanged. */
export type StoreOverrides = { readonly [K in StoreOperation]?: ObjectStore[K] };

/**
 * A store that behaves like `base` except where `overrides` say otherwise: a fault injected into one
 * operation (a failing create, a slow write), typed like the real interface so it cannot drift from it.
 */
export function faultyStore(base: ObjectStore, overrides: StoreOverrides): ObjectStore {
  return {
    description: `faulty ${base.description}`,
    get: overrides.get ?? ((container, name) => base.get(container, name)),
    create: overrides.create ?? ((container, name, body, type) => base.create(container, name, body, type)),
    swap: overrides.swap ?? ((container, name, body, type, etag) => base.swap(container, name, body, type, etag)),
    list: overrides.list ?? ((container, prefix) => base.list(container, prefix)),
    listPage: overrides.listPage ?? ((container, prefix, page) => base.listPage(container, prefix, page)),
  };
}
