export { driftRunOptions, type RunSettings, type RunStart, type TlsAccess, tlsRunOptions } from './build-run-options';
export { checkNotice, type CheckNoticeDeps, type RunIdentity } from './check-notice';
export { driftExitCode, type DriftOutcome, type DriftRequest, runDriftRequest } from './drift-use-case';
export { type NoticePointer, readPointer } from './notice-pointer';
export { type DriftRunOptions, type DriftRunSummary, runDrift } from './run-drift';
export { newRunId } from './run-id';
export type { RunOptions, RunSummaryFields } from './run-options';
export { type EndpointOutcome, runTls, tlsExitCode, type TlsRunOptions, type TlsRunSummary } from './run-tls';
export {
  type ClaimOutcome,
  claimSlot,
  runOncePerSlot,
  scheduleSlot,
  type SlotClaim,
  type SlotRunOutcome,
  type SlotRunRequest,
} from './schedule-slot';
