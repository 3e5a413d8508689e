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
export { parseNotice, type ParsedNotice } from './parse-notice';
export {
  resolveIncludes,
  findIncludeDirectives,
  DEFAULT_INCLUDE_OPTIONS,
  type IncludeFetcher,
  type IncludeOptions,
} from './resolve-includes';
export {
  RepositoryFiles,
  parsePublishConfig,
  parseRedirections,
  PUBLISH_CONFIG_FILE,
  REDIRECTION_FILE,
  type PublishConfig,
  type Redirection,
} from './docs-publishing';
export { describeDocsRepository, locateInclude, type DocsRepository, type IncludeTarget } from './docs-repository';
export { normaliseText } from './normalise-text';
export {
  buildSnapshotDocument,
  documentFromSnapshotText,
  hashSnapshot,
  type SnapshotDocument,
} from './snapshot-document';
export { assessPlausibility, PLAUSIBILITY_LIMITS } from './plausibility';
