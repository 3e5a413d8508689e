/** TLS promise checking: protocol verdicts, certificate facts, policy findings, and the request-forgery guard. */
export { classifyAddress, parseHostPort, validatePort } from '../net/address-guard';
export { checkEndpoint, checkFailedResult } from './check-endpoint';
export type { FindingId } from './finding-ids';
export {
  adHocEndpoint,
  authoriseTargets,
  findWatchlistEndpoint,
  type OnDemandPolicy,
  parseTargetInput,
  parseTargetList,
  type TargetInput,
  uniqueTargets,
} from './on-demand-targets';
export { resolveTarget, type ResolveTargetOptions } from './resolve-target';
export type {
  CertificateInfo,
  ConnectFunction,
  EndpointCheckResult,
  FindingSeverity,
  LookupAddress,
  LookupFunction,
  PromiseCheck,
  ProtocolDetail,
  ProtocolName,
  ProtocolVerdict,
  TlsCheckOptions,
  TlsFinding,
  TlsPromise,
  TlsVersionName,
} from './types';
export { PROTOCOL_NAMES } from './types';
