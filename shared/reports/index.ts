export * from './report-types';
export { noticeReportName, tlsReportName, runSummaryName, LATEST_NAME } from './report-names';
export {
  writeReport,
  readReport,
  listReports,
  listReportPage,
  readLatest,
  recordLatestNotices,
  recordLatestEndpoints,
  toNoticeReport,
  emptyLatest,
} from './report-store';
