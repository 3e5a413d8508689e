import { createHash } from 'node:crypto';

import { ok, type Result } from '../common/result';
import type { CreateOutcome, NamePage, ObjectStore, StoredObject, SwapOutcome } from './object-store';

/** Process-local adapter with the same semantics as blob storage, for unit tests and dry runs. */
export class MemoryObjectStore implements ObjectStore {
  readonly description = 'in-memory store';
  private readonly objects = new Map<string, StoredObject>();
  private counter = 0;

  private key(container: string, name: string): string {
    return `${container}/${name}`;
  }

  private nextEtag(body: Buffer): string {
    this.counter += 1;
    return `"${this.counter}-${createHash('sha1').update(body).digest('hex').slice(0, 8)}"`;
  }

  async get(container: string, name: string): Promise<Result<StoredObject | null>> {
    return ok(this.objects.get(this.key(container, name)) ?? null);
  }

  async create(container: string, name: string, body: Buffer | string): Promise<Result<CreateOutcome>> {
    const key = this.key(container, name);
    if (this.objects.has(key)) return ok('exists');
    const bytes = Buffer.from(body);
    this.objects.set(key, { body: bytes, etag: this.nextEtag(bytes) });
    return ok('created');
  }

  async swap(
    container: string,
    name: string,
    body: Buffer | string,
    _contentType: string,
    expectedEtag: string | null,
  ): Promise<Result<SwapOutcome>> {
    const key = this.key(container, name);
    const current = this.objects.get(key);
    if ((current?.etag ?? null) !== expectedEtag) return ok('conflict');
    const bytes = Buffer.from(body);
    const etag = this.nextEtag(bytes);
    this.objects.set(key, { body: bytes, etag });
    return ok({ etag });
  }

  async list(container: string, prefix: string): Promise<Result<string[]>> {
    const start = `${container}/`;
    const names = [...this.objects.keys()]
      .filter((key) => key.startsWith(start + prefix))
      .map((key) => key.slice(start.length))
      .sort();
    return ok(names);
  }

  /** The token is the last name of the previous page: the next page starts after it, as blob markers do. */
  async listPage(
    container: string,
    prefix: string,
    page: { readonly maxNames: number; readonly continuation: string | null },
  ): Promise<Result<NamePage>> {
    const listed = await this.list(container, prefix);
    if (!listed.ok) return listed;
    const after = page.continuation;
    const rest = after === null ? listed.value : listed.value.filter((name) => name > after);
    const names = rest.slice(0, Math.max(1, page.maxNames));
    return ok({ names, continuation: rest.length > names.length ? names[names.length - 1] : null });
  }
}
