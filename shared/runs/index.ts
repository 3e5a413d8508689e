export { checkNotice, DEFAULT_SUSPECT_RUNS_TO_ACCEPT, type RunIdentity, type CheckNoticeDeps } from './check-notice';
export { runDrift, type DriftRunOptions, type DriftRunSummary } from './run-drift';
export { newRunId } from './run-id';
export { runPool, type Progress } from './run-pool';
export { runItems } from './run-items';
export type { RunOptions, RunSummaryFields } from './run-options';
export { readPointer, type NoticePointer } from './notice-pointer';
export { runDriftRequest, driftExitCode, type DriftRequest, type DriftOutcome } from './drift-use-case';
export {
  runTls,
  tlsExitCode,
  isIncomplete,
  type TlsRunOptions,
  type TlsRunSummary,
  type EndpointOutcome,
} from './run-tls';
export {
  scheduleSlot,
  claimSlot,
  finishSlot,
  runOncePerSlot,
  type ClaimOutcome,
  type SlotClaim,
  type SlotRunOutcome,
  type SlotRunRequest,
} from './schedule-slot';
