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
