export { validateReportName, validateReportPrefix } from './report-name-rules';
export {
  listReportPage,
  listReports,
  type NoticeReviewState,
  readLatest,
  readReport,
  recordLatestEndpoints,
  recordLatestNotices,
  recordLatestReview,
  toNoticeReport,
  writeReport,
} from './report-store';
export * from './report-types';
