/** TLS promise checking: protocol verdicts, certificate facts, policy findings, and the request-forgery guard. */
export { classifyAddress, parseHostPort, validatePort } from '../net/address-guard';
export { checkEndpoint, checkEndpoints } from './check-endpoint';
export {
  adHocEndpoint,
  findWatchlistEndpoint,
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
  TlsRunOptions,
  TlsRunResult,
  TlsVersionName,
} from './types';
export { PROTOCOL_NAMES } from './types';
