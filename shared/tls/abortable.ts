/** How a wait bounded by a timeout and an abort signal ended. Rejections of the awaited promise pass through. */
export type Bounded<T> =
  { readonly kind: 'value'; readonly value: T } | { readonly kind: 'timeout' } | { readonly kind: 'aborted' };

/**
 * Waits for `promise`, but no longer than `timeoutMs` (when given) and no longer than `signal` stays unaborted.
 * The promise itself is not cancelled (a resolver cannot be); its late result or rejection is ignored.
 */
export function boundedWait<T>(
  promise: Promise<T>,
  bounds: { readonly signal?: AbortSignal; readonly timeoutMs?: number },
): Promise<Bounded<T>> {
  if (bounds.signal?.aborted) {
    promise.catch(() => undefined);
    return Promise.resolve({ kind: 'aborted' });
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      bounds.signal?.removeEventListener('abort', onAbort);
      action();
    };
    const onAbort = (): void => settle(() => resolve({ kind: 'aborted' }));
    const timer =
      bounds.timeoutMs !== undefined
        ? setTimeout(() => settle(() => resolve({ kind: 'timeout' })), bounds.timeoutMs)
        : undefined;
    bounds.signal?.addEventListener('abort', onAbort);
    promise.then(
      (value) => settle(() => resolve({ kind: 'value', value })),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
