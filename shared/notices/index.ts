/**
 * Notices: fetch a published notice, parse it, resolve its includes, normalise it and build the
 * canonical snapshot document that the rest of noticewatch stores, hashes and diffs.
 */
export { acquireNotice, type AcquireOptions, type Acquisition } from './acquire-notice';
export { featuresOf } from './body-features';
export {
  parsePublishConfig,
  parseRedirections,
  type PublishConfig,
  type Redirection,
  RepositoryFiles,
} from './docs-publishing';
export { describeDocsRepository, type DocsRepository, type IncludeTarget, locateInclude } from './docs-repository';
export {
  type ConditionalValidators,
  type FetchCallOptions,
  type FetchOptions,
  type FetchOutcome,
  fetchResource,
} from './fetch-resource';
export { normaliseText } from './normalise-text';
export { type ParsedNotice, parseNotice } from './parse-notice';
export { assessPlausibility, type NoticeProfile, updateProfile } from './plausibility';
export { findIncludeDirectives, type IncludeFetcher, type IncludeOptions, resolveIncludes } from './resolve-includes';
export {
  buildSnapshotDocument,
  documentFromSnapshotText,
  hashSnapshot,
  type SnapshotDocument,
} from './snapshot-document';
