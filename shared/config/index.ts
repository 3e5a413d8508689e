export type { NoticeConfig, EndpointConfig, TlsVersionName, ChannelConfig, ChannelKind } from './types';
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
