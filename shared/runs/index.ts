export { checkNotice, type CheckNoticeDeps, type RunIdentity } from './check-notice';
export { driftExitCode, type DriftOutcome, type DriftRequest, runDriftRequest } from './drift-use-case';
export { type NoticePointer, readPointer } from './notice-pointer';
export { type DriftRunOptions, type DriftRunSummary, runDrift } from './run-drift';
export { newRunId } from './run-id';
export { type EndpointOutcome, runTls, tlsExitCode, type TlsRunRequest, type TlsRunSummary } from './run-tls';
export { type ClaimOutcome, claimSlot, finishSlot, scheduleSlot, type SlotClaim } from './schedule-slot';
