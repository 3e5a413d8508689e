export { changesFeed, type FeedOptions, MAX_FEED_ENTRIES } from './atom-feed';
export { type ChangeEntry, readChangeIndex, readNoticeChanges } from './change-index';
