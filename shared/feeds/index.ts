export { changesFeed, MAX_FEED_ENTRIES, type FeedOptions } from './atom-feed';
export {
  indexChanges,
  readChangeIndex,
  CHANGE_INDEX_NAME,
  MAX_INDEXED_CHANGES,
  type ChangeEntry,
} from './change-index';
