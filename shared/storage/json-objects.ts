import { fail, ok, type Result } from '../common/result';
import type { ObjectStore } from './object-store';

export interface JsonWithEtag<T> {
  readonly value: T;
  readonly etag: string;
}

export async function readJson<T>(
  store: ObjectStore,
  container: string,
  name: string,
): Promise<Result<JsonWithEtag<T> | null>> {
  const found = await store.get(container, name);
  if (!found.ok) return found;
  if (!found.value) return ok(null);
  try {
    return ok({ value: JSON.parse(found.value.body.toString('utf8')) as T, etag: found.value.etag });
  } catch (error) {
    return fail(
      'STORAGE_CORRUPT',
      `${container}/${name} is not valid JSON (${error instanceof Error ? error.message : String(error)}); restore it or delete it to start over.`,
    );
  }
}

/**
 * Read-modify-write with optimistic concurrency: `update` sees the current value (or null)
 * and returns the new one, or null to leave the object as it is. Retried on conflict,
 * so concurrent writers never lose each other's updates.
 */
export async function swapJson<T>(
  store: ObjectStore,
  container: string,
  name: string,
  update: (current: T | null) => T | null,
  maxAttempts = 8,
): Promise<Result<T | null>> {
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const current = await readJson<T>(store, container, name);
    if (!current.ok) return current;
    const next = update(current.value?.value ?? null);
    if (next === null) return ok(current.value?.value ?? null);
    const written = await store.swap(
      container,
      name,
      JSON.stringify(next, null, 2),
      'application/json',
      current.value?.etag ?? null,
    );
    if (!written.ok) return written;
    if (written.value !== 'conflict') return ok(next);
    // Jittered backoff so a crowd of writers spreads out instead of colliding again.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
  }
  return fail(
    'STORAGE_CONTENTION',
    `${container}/${name} kept changing under ${maxAttempts} attempts to update it; try again.`,
  );
}
