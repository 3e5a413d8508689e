import type { Result } from '../common/result';

/**
 * The one interface every storage adapter implements. The rest of the system only
 * needs these four operations, and each carries the concurrency guarantee it relies on:
 * create-if-absent for immutable blobs, compare-and-swap for mutable pointers.
 */
export interface StoredObject {
  readonly body: Buffer;
  readonly etag: string;
}

export type CreateOutcome = 'created' | 'exists';

/** One page of a listing. */
export interface NamePage {
  /** In lexical order; possibly fewer than asked for, even none, while `continuation` says more may follow. */
  readonly names: string[];
  /** Opaque token the adapter gives back to list the next page; null when this page is the last. */
  readonly continuation: string | null;
}
export type SwapOutcome = { readonly etag: string } | 'conflict';

export interface ObjectStore {
  /** Human-readable description for logs, with no secrets in it. */
  readonly description: string;
  get(container: string, name: string): Promise<Result<StoredObject | null>>;
  /** Writes only when no object has that name; never overwrites. */
  create(container: string, name: string, body: Buffer | string, contentType: string): Promise<Result<CreateOutcome>>;
  /**
   * Writes when the object's current etag is `expectedEtag` (null: the object must not exist).
   * 'conflict' means someone else wrote first: re-read and decide again.
   */
  swap(
    container: string,
    name: string,
    body: Buffer | string,
    contentType: string,
    expectedEtag: string | null,
  ): Promise<Result<SwapOutcome>>;
  /** Every name under a prefix, in lexical order: reads every page, so only for folders known to be small. */
  list(container: string, prefix: string): Promise<Result<string[]>>;
  /**
   * One page of names under a prefix, in lexical order: storage is asked for at most `maxNames`, and
   * nothing past them is read. `continuation` is the token of the previous page (null: the first page).
   * A token storage does not accept is CONTINUATION_INVALID.
   */
  listPage(
    container: string,
    prefix: string,
    page: { readonly maxNames: number; readonly continuation: string | null },
  ): Promise<Result<NamePage>>;
}
