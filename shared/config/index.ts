export { repositoryRootOf } from './repository-root';
export { defaultWatchlistPath, type NoticewatchSettings, readSettings, type RunWindow } from './settings';
export type { ChannelConfig, ChannelKind, EndpointConfig, NoticeConfig, TlsVersionName } from './types';
export {
  loadWatchlist,
  MAX_ENTRIES_PER_KIND,
  parseWatchlist,
  parseWatchlistText,
  type Watchlist,
  WATCHLIST_ID,
} from './watchlist';
