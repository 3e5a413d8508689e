/** TLS promise checking: protocol verdicts, certificate facts, policy findings, and the request-forgery guard. */
export { checkEndpoint, checkEndpoints } from './check-endpoint';
export { classifyAddress, parseHostPort, validatePort } from '../net/address-guard';
export {
  MAX_ON_DEMAND_TARGETS,
  adHocEndpoint,
  findWatchlistEndpoint,
  parseTargetInput,
  parseTargetList,
  uniqueTargets,
  type TargetInput,
} from './on-demand-targets';
export { resolveTarget, type ResolveTargetOptions } from './resolve-target';
export { cipherSuiteName } from './cipher-suites';
export { PROTOCOL_NAMES } from './types';
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
  TlsRunOptions,
  TlsRunResult,
  TlsVersionName,
} from './types';
