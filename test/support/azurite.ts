import {
  type EmbeddedAzurite,
  type ObjectStore,
  startEmbeddedAzurite,
  storeFromConnectionString,
} from '../../shared/storage';

export interface TestStorage {
  readonly azurite: EmbeddedAzurite;
  /** A store with a short retry policy, so a dead emulator fails a test fast instead of hanging it. */
  readonly store: ObjectStore;
  stop(): Promise<void>;
}

/** Starts a real Azurite (in memory) on a free loopback port for one test file. */
export async function startTestStorage(options: { location?: string; port?: number } = {}): Promise<TestStorage> {
  const started = await startEmbeddedAzurite(options);
  if (!started.ok) throw new Error(`${started.problem.code}: ${started.problem.message}`);
  const store = storeFromConnectionString(started.value.connectionString, {
    maxTries: 2,
    tryTimeoutMs: 5_000,
    retryDelayMs: 50,
    maxRetryDelayMs: 100,
  });
  if (!store.ok) throw new Error(store.problem.message);
  return { azurite: started.value, store: store.value, stop: () => started.value.stop() };
}
