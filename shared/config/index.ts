export type { NoticeConfig, EndpointConfig, TlsVersionName } from './types';
export { repositoryRootOf, RAW_GITHUB_HOST } from './repository-root';
export { loadWatchlist, parseWatchlist, parseWatchlistText, MAX_ENTRIES_PER_KIND, type Watchlist } from './watchlist';
export {
  readSettings,
  defaultWatchlistPath,
  packageRoot,
  runWindow,
  DEFAULT_DRIFT_SCHEDULE,
  DEFAULT_TLS_SCHEDULE,
  type NoticewatchSettings,
  type RunWindow,
} from './settings';
