import { join } from 'node:path';

import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';

import { fail, ok, problemFromError, type Result } from '../common/result';
import {
  AzureBlobObjectStore,
  type AzureRetrySettings,
  DEFAULT_AZURE_RETRY,
  pipelineOptions,
} from './azure-blob-object-store';
import { startEmbeddedAzurite } from './embedded-azurite';
import type { ObjectStore } from './object-store';
import { shareAzurite } from './shared-azurite';

export interface StorageSettings {
  /** `AZURE_STORAGE_CONNECTION_STRING` or `--storage`. */
  readonly connectionString?: string;
  /** `NOTICEWATCH_STORAGE_ACCOUNT_URL`, used with DefaultAzureCredential (managed identity in Azure). */
  readonly accountUrl?: string;
  /** When neither is set: start an embedded Azurite persisting here (CLI only). */
  readonly embeddedLocation?: string;
  /** Announce the embedded Azurite for other processes on the same folder to use while it runs (see shared-azurite.ts). */
  readonly shareEmbedded?: boolean;
  readonly retry?: AzureRetrySettings;
}

export interface OpenedStore {
  readonly store: ObjectStore;
  /** Releases what opening took (stops an embedded emulator). */
  close(): Promise<void>;
}

function describeEndpoint(url: string | undefined): string {
  if (!url) return 'blob storage';
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/$/, '')}`;
  } catch {
    return 'blob storage';
  }
}

export function storeFromConnectionString(
  connectionString: string,
  retry: AzureRetrySettings = DEFAULT_AZURE_RETRY,
): Result<ObjectStore> {
  try {
    const service = BlobServiceClient.fromConnectionString(connectionString, pipelineOptions(retry));
    return ok(new AzureBlobObjectStore(service, describeEndpoint(service.url)));
  } catch (error) {
    // The SDK's message may quote the string; say only that it is malformed.
    return fail(
      'STORAGE_CONFIG_INVALID',
      `The storage connection string is not valid (${error instanceof Error ? error.name : 'error'}); check AZURE_STORAGE_CONNECTION_STRING.`,
    );
  }
}

export async function openStore(settings: StorageSettings): Promise<Result<OpenedStore>> {
  const retry = settings.retry ?? DEFAULT_AZURE_RETRY;
  if (settings.connectionString) {
    const store = storeFromConnectionString(settings.connectionString, retry);
    return store.ok ? ok({ store: store.value, close: async () => undefined }) : store;
  }
  if (settings.accountUrl) {
    try {
      const service = new BlobServiceClient(settings.accountUrl, new DefaultAzureCredential(), pipelineOptions(retry));
      return ok({
        store: new AzureBlobObjectStore(service, describeEndpoint(settings.accountUrl)),
        close: async () => undefined,
      });
    } catch (error) {
      return fail(
        'STORAGE_CONFIG_INVALID',
        problemFromError('STORAGE_CONFIG_INVALID', 'NOTICEWATCH_STORAGE_ACCOUNT_URL could not be used', error).message,
      );
    }
  }
  if (settings.embeddedLocation === undefined) {
    return fail(
      'STORAGE_NOT_CONFIGURED',
      'No storage configured: set AZURE_STORAGE_CONNECTION_STRING or NOTICEWATCH_STORAGE_ACCOUNT_URL.',
    );
  }
  const azurite = await startEmbeddedAzurite({ location: join(settings.embeddedLocation, 'azurite') });
  if (!azurite.ok) return azurite;
  const store = storeFromConnectionString(azurite.value.connectionString, retry);
  if (!store.ok) {
    await azurite.value.stop();
    return store;
  }
  if (!settings.shareEmbedded) return ok({ store: store.value, close: () => azurite.value.stop() });
  let withdraw: () => Promise<void>;
  try {
    withdraw = await shareAzurite(settings.embeddedLocation, azurite.value.blobEndpoint);
  } catch (error) {
    await azurite.value.stop();
    return fail(
      'STORAGE_LOCATION_UNWRITABLE',
      problemFromError('STORAGE_LOCATION_UNWRITABLE', `Cannot write to ${settings.embeddedLocation}`, error).message,
    );
  }
  return ok({
    store: store.value,
    close: async () => {
      // Withdrawn first, so no new process joins an emulator that is stopping.
      try {
        await withdraw();
      } finally {
        await azurite.value.stop();
      }
    },
  });
}
