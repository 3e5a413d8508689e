export { validateReportName, validateReportPrefix } from './report-name-rules';
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
