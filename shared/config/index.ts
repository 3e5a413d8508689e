export type { NoticeConfig, EndpointConfig, TlsVersionName } from './types';
export { loadWatchlist, parseWatchlist, parseWatchlistText, MAX_ENTRIES_PER_KIND, type Watchlist } from './watchlist';
export { readSettings, defaultWatchlistPath, packageRoot, DEFAULT_DRIFT_SCHEDULE, DEFAULT_TLS_SCHEDULE, type NoticewatchSettings } from './settings';
