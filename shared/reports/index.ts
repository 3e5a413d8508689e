export { LATEST_NAME, noticeReportName, runSummaryName, tlsReportName } from './report-names';
export {
  listReportPage,
  listReports,
  readLatest,
  readReport,
  recordLatestEndpoints,
  recordLatestNotices,
  toNoticeReport,
  writeReport,
} from './report-store';
export * from './report-types';
