export {
  LATEST_NAME,
  noticeReportName,
  type NoticeReportNameParts,
  parseNoticeReportName,
  runSummaryName,
  tlsReportName,
} from './report-names';
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
