export {
  CONTAINERS,
  type ObjectStore,
  type StoredObject,
  type CreateOutcome,
  type SwapOutcome,
  type NamePage,
} from './object-store';
export { MemoryObjectStore } from './memory-object-store';
export { AzureBlobObjectStore, DEFAULT_AZURE_RETRY, type AzureRetrySettings } from './azure-blob-object-store';
export { startEmbeddedAzurite, connectionStringFor, type EmbeddedAzurite } from './embedded-azurite';
export { openStore, storeFromConnectionString, type StorageSettings, type OpenedStore } from './open-store';
export { readJson, swapJson, type JsonWithEtag } from './json-objects';
