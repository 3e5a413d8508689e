export { type ObjectStore, type StoredObject, type CreateOutcome, type SwapOutcome } from './object-store';
export {
  CONTAINERS,
  LATEST_NAME,
  REPORT_FOLDERS,
  compactTimestamp,
  driftRunSummaryName,
  noticeReportName,
  pointerName,
  rawName,
  slotClaimName,
  snapshotName,
  tlsReportName,
  tlsRunSummaryName,
} from './storage-layout';
export { MemoryObjectStore } from './memory-object-store';
export { AzureBlobObjectStore, DEFAULT_AZURE_RETRY, type AzureRetrySettings } from './azure-blob-object-store';
export { startEmbeddedAzurite, connectionStringFor, type EmbeddedAzurite } from './embedded-azurite';
export { openStore, storeFromConnectionString, type StorageSettings, type OpenedStore } from './open-store';
export { readJson, swapJson, type JsonWithEtag } from './json-objects';
