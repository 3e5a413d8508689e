/**
 * Notices: fetch a published notice, parse it, resolve its includes, normalise it and build the
 * canonical snapshot document that the rest of noticewatch stores, hashes and diffs.
 */
export { acquireNotice, type AcquireOptions, type Acquisition } from './acquire-notice';
export {
  fetchResource,
  DEFAULT_FETCH_OPTIONS,
  type ConditionalValidators,
  type FetchCallOptions,
  type FetchOptions,
  type FetchOutcome,
} from './fetch-resource';
export { parseNotice, parseNoticeInSlices, type ParsedNotice } from './parse-notice';
export { resolveIncludes, findIncludeDirectives, type IncludeFetcher, type IncludeOptions } from './resolve-includes';
export { normaliseText } from './normalise-text';
export {
  buildSnapshotDocument,
  documentFromSnapshotText,
  hashSnapshot,
  type SnapshotDocument,
} from './snapshot-document';
export { featuresOf, measureBodyFeatures, type BodyFeatures } from './body-features';
export {
  assessPlausibility,
  updateProfile,
  PLAUSIBILITY_LIMITS,
  type NoticeProfile,
  type PlausibilitySignal,
  type Suspicion,
} from './plausibility';
