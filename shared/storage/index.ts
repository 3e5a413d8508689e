export { type AzureRetrySettings, DEFAULT_AZURE_RETRY } from './azure-blob-object-store';
export { connectionStringFor, type EmbeddedAzurite, startEmbeddedAzurite } from './embedded-azurite';
export { type JsonWithEtag, readJson, swapJson } from './json-objects';
export { MemoryObjectStore } from './memory-object-store';
export {
  type CreateOutcome,
  type NamePage,
  type ObjectStore,
  type StoredObject,
  type SwapOutcome,
} from './object-store';
export { type OpenedStore, openStore, type StorageSettings, storeFromConnectionString } from './open-store';
export { findSharedAzurite, type SharedAzurite } from './shared-azurite';
export {
  alertTrackingName,
  CHANGE_INDEX_NAME,
  compactTimestamp,
  CONTAINERS,
  driftRunSummaryName,
  historyHeadName,
  historyMonthName,
  LATEST_NAME,
  noticeChangeIndexName,
  noticeReportName,
  type NoticeReportNameParts,
  outboxName,
  parseNoticeReportName,
  PENDING_ALERTS_NAME,
  pointerName,
  rawName,
  REPORT_FOLDERS,
  reviewName,
  reviewsPrefix,
  slotClaimName,
  snapshotName,
  tlsReportName,
  tlsRunSummaryName,
} from './storage-layout';
