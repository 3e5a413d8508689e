import { type BlobServiceClient, RestError, type StoragePipelineOptions } from '@azure/storage-blob';

import { redactSecrets } from '../common/redact';
import { fail, ok, type Result } from '../common/result';
import type { CreateOutcome, NamePage, ObjectStore, StoredObject, SwapOutcome } from './object-store';

export interface AzureRetrySettings {
  /** Attempts per storage call, first one included. */
  readonly maxTries: number;
  /** Time allowed for one attempt. */
  readonly tryTimeoutMs: number;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
}

/**
 * The SDK's defaults (4 tries, no per-try timeout, delays up to 120 s) can outlast a
 * Consumption-plan function's 10 minutes on one stuck call. These bound a storage call
 * to about 3 x 20 s plus 3 s of backoff, so the run's own deadline stays in charge.
 */
export const DEFAULT_AZURE_RETRY: AzureRetrySettings = {
  maxTries: 3,
  tryTimeoutMs: 20_000,
  retryDelayMs: 500,
  maxRetryDelayMs: 2_000,
};

export function pipelineOptions(retry: AzureRetrySettings): StoragePipelineOptions {
  return {
    retryOptions: {
      maxTries: retry.maxTries,
      tryTimeoutInMs: retry.tryTimeoutMs,
      retryDelayInMs: retry.retryDelayMs,
      maxRetryDelayInMs: retry.maxRetryDelayMs,
    },
  };
}

function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

/** Adapter over Azure Blob Storage (or Azurite). */
export class AzureBlobObjectStore implements ObjectStore {
  private readonly ensured = new Map<string, Promise<Result<true>>>();

  constructor(
    private readonly service: BlobServiceClient,
    readonly description: string,
  ) {}

  private storageProblem<T>(action: string, error: unknown): Result<T> {
    const detail = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: string } | null)?.code;
    const status = statusOf(error);
    const cause = [status ? `HTTP ${status}` : null, code ?? null].filter(Boolean).join(' ');
    return fail(
      'STORAGE_ERROR',
      redactSecrets(
        `Storage (${this.description}) failed to ${action}${cause ? ` (${cause})` : ''}: ${detail.split('\n')[0]}`,
      ),
    );
  }

  private ensureContainer(container: string): Promise<Result<true>> {
    let pending = this.ensured.get(container);
    if (!pending) {
      pending = this.service
        .getContainerClient(container)
        .createIfNotExists()
        .then(() => ok(true as const))
        .catch((error: unknown) => this.storageProblem<true>(`create container "${container}"`, error));
      this.ensured.set(container, pending);
      // A failed creation must be retried on the next call, not cached forever.
      void pending.then((result) => {
        if (!result.ok) this.ensured.delete(container);
      });
    }
    return pending;
  }

  async get(container: string, name: string): Promise<Result<StoredObject | null>> {
    const ready = await this.ensureContainer(container);
    if (!ready.ok) return ready;
    try {
      // One download gives the body and the etag of exactly that body, so a swap based on it is safe.
      const response = await this.service.getContainerClient(container).getBlockBlobClient(name).download();
      const chunks: Buffer[] = [];
      for await (const chunk of response.readableStreamBody ?? []) chunks.push(Buffer.from(chunk as Buffer));
      return ok({ body: Buffer.concat(chunks), etag: response.etag ?? '' });
    } catch (error) {
      if (statusOf(error) === 404) return ok(null);
      return this.storageProblem(`read ${container}/${name}`, error);
    }
  }

  async create(
    container: string,
    name: string,
    body: Buffer | string,
    contentType: string,
  ): Promise<Result<CreateOutcome>> {
    const ready = await this.ensureContainer(container);
    if (!ready.ok) return ready;
    const bytes = Buffer.from(body);
    try {
      await this.service
        .getContainerClient(container)
        .getBlockBlobClient(name)
        .upload(bytes, bytes.length, {
          conditions: { ifNoneMatch: '*' },
          blobHTTPHeaders: { blobContentType: contentType },
        });
      return ok('created');
    } catch (error) {
      if (statusOf(error) === 409 || statusOf(error) === 412) return ok('exists');
      return this.storageProblem(`write ${container}/${name}`, error);
    }
  }

  async swap(
    container: string,
    name: string,
    body: Buffer | string,
    contentType: string,
    expectedEtag: string | null,
  ): Promise<Result<SwapOutcome>> {
    const ready = await this.ensureContainer(container);
    if (!ready.ok) return ready;
    const bytes = Buffer.from(body);
    try {
      const response = await this.service
        .getContainerClient(container)
        .getBlockBlobClient(name)
        .upload(bytes, bytes.length, {
          conditions: expectedEtag === null ? { ifNoneMatch: '*' } : { ifMatch: expectedEtag },
          blobHTTPHeaders: { blobContentType: contentType },
        });
      return ok({ etag: response.etag ?? '' });
    } catch (error) {
      if (statusOf(error) === 409 || statusOf(error) === 412) return ok('conflict');
      return this.storageProblem(`update ${container}/${name}`, error);
    }
  }

  async list(container: string, prefix: string): Promise<Result<string[]>> {
    const ready = await this.ensureContainer(container);
    if (!ready.ok) return ready;
    try {
      const names: string[] = [];
      for await (const item of this.service.getContainerClient(container).listBlobsFlat({ prefix }))
        names.push(item.name);
      return ok(names.sort());
    } catch (error) {
      return this.storageProblem(`list ${container}/${prefix}`, error);
    }
  }

  async listPage(
    container: string,
    prefix: string,
    page: { readonly maxNames: number; readonly continuation: string | null },
  ): Promise<Result<NamePage>> {
    const ready = await this.ensureContainer(container);
    if (!ready.ok) return ready;
    try {
      // One List Blobs call with maxresults: the next page is only requested if the caller comes back with its token.
      const pages = this.service
        .getContainerClient(container)
        .listBlobsFlat({ prefix })
        .byPage({ maxPageSize: Math.max(1, page.maxNames), continuationToken: page.continuation ?? undefined });
      const first = await pages.next();
      if (first.done) return ok({ names: [], continuation: null });
      return ok({
        names: first.value.segment.blobItems.map((item) => item.name),
        continuation: first.value.continuationToken || null,
      });
    } catch (error) {
      if (page.continuation !== null && statusOf(error) === 400) {
        return fail(
          'CONTINUATION_INVALID',
          'The continuation token was not accepted by storage; list again from the start.',
        );
      }
      return this.storageProblem(`list ${container}/${prefix}`, error);
    }
  }
}
