/**
 * Change analysis between two snapshots of a privacy notice: exact unified diff, metadata changes,
 * changed sections by heading path and bounded word-level highlights.
 */
export { analyseChange } from './analyse-change';
export type {
  AnalyseChangeOptions,
  ChangeAnalysis,
  ComparableDocument,
  MetadataChange,
  SectionChange,
  SectionChangeKind,
  WordChange,
  WordPart,
} from './types';
export { applyDiff } from './unified-diff';
