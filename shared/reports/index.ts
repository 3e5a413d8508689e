export * from './report-types';
export {
  writeReport,
  readReport,
  listReports,
  readLatest,
  recordLatestNotices,
  recordLatestEndpoints,
  toNoticeReport,
  emptyLatest,
} from './report-store';
export { MAX_NAME_LENGTH, validateReportName, validateReportPrefix } from './report-name-rules';
