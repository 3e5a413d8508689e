/**
 * A notice's history and its reviews: a small per-notice index of its changes, kept as the change
 * reports are written, and the append-only trail of what reviewers decided about each change.
 */
export {
  recordChange,
  readHistory,
  readHistoryHead,
  historyHeadName,
  historyMonthName,
  changeKind,
  DEFAULT_HISTORY_LIMIT,
  MAX_HISTORY_LIMIT,
  type HistoryQuery,
} from './history-index';
export {
  recordReview,
  readReviews,
  checkReviewInput,
  reviewsPrefix,
  MAX_NOTE_CHARS,
  MAX_REVIEWER_CHARS,
  type ReviewInput,
  type RecordedReview,
  type ReviewTrail,
} from './reviews';
export { changesSinceReview, type SinceReview, type SinceReviewSide } from './since-review';
export * from './history-types';
