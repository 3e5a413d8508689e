export * from './report-types';
export {
  noticeReportName,
  tlsReportName,
  runSummaryName,
  parseNoticeReportName,
  LATEST_NAME,
  type NoticeReportNameParts,
} from './report-names';
export {
  writeReport,
  readReport,
  listReports,
  readLatest,
  recordLatestNotices,
  recordLatestEndpoints,
  recordLatestReview,
  type NoticeReviewState,
  toNoticeReport,
  emptyLatest,
} from './report-store';
