/** TLS promise checking: protocol verdicts, certificate facts, policy findings, and the request-forgery guard. */
export { checkEndpoint, checkFailedResult } from './check-endpoint';
export { classifyAddress, parseHostPort, validatePort } from './address-guard';
export {
  MAX_ON_DEMAND_TARGETS,
  adHocEndpoint,
  authoriseTargets,
  findWatchlistEndpoint,
  parseTargetInput,
  parseTargetList,
  uniqueTargets,
  type OnDemandPolicy,
  type TargetInput,
} from './on-demand-targets';
export { resolveTarget, type ResolveTargetOptions } from './resolve-target';
export { cipherSuiteName } from './cipher-suites';
export { PROTOCOL_NAMES } from './types';
export { FINDING_IDS, severityOf, type FindingId } from './finding-ids';
export type {
  CertificateInfo,
  ConnectFunction,
  EndpointCheckResult,
  FindingSeverity,
  LookupAddress,
  LookupFunction,
  ProtocolDetail,
  ProtocolName,
  ProtocolVerdict,
  TlsCheckOptions,
  TlsFinding,
  TlsVersionName,
} from './types';
