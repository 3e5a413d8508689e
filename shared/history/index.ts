/**
 * A notice's history and its reviews: a small per-notice index of its changes, kept as the change
 * reports are written, and the append-only trail of what reviewers decided about each change.
 */
export { type HistoryQuery, MAX_HISTORY_LIMIT, readHistory, readHistoryHead, recordChange } from './history-index';
export * from './history-types';
export { readReviews, type RecordedReview, recordReview, type ReviewInput, type ReviewTrail } from './reviews';
export { changesSinceReview, type SinceReview, type SinceReviewSide } from './since-review';
