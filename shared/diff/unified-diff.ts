import {
  applyPatch,
  FILE_HEADERS_ONLY,
  formatPatch,
  parsePatch,
  type StructuredPatch,
  type StructuredPatchHunk,
} from 'diff';

import type { Segment, SplitText } from './line-diff';

const NO_NEWLINE = '\\ No newline at end of file';

/**
 * Builds unified-diff hunks from line segments. We build them ourselves (instead of calling
 * jsdiff's structuredPatch) because the segments come from our own bounded, region-wise line diff,
 * and the same segments also drive the section and word analysis: one diff, one truth.
 */
export function buildHunks(
  oldText: SplitText,
  newText: SplitText,
  segments: readonly Segment[],
  context: number,
): StructuredPatchHunk[] {
  const hunks: StructuredPatchHunk[] = [];
  const oldLast = oldText.lines.length - 1;
  const newLast = newText.lines.length - 1;
  let hunk: StructuredPatchHunk | null = null;
  let lastChange = -1;
  for (let s = 0; s < segments.length; s++) if (segments[s].kind !== 'same') lastChange = s;

  const emitOld = (prefix: ' ' | '-', index: number, into: StructuredPatchHunk): void => {
    into.lines.push(prefix + oldText.lines[index]);
    if (index === oldLast && !oldText.endsWithNewline) into.lines.push(NO_NEWLINE);
  };
  const emitNew = (index: number, into: StructuredPatchHunk): void => {
    into.lines.push('+' + newText.lines[index]);
    if (index === newLast && !newText.endsWithNewline) into.lines.push(NO_NEWLINE);
  };
  const addContext = (into: StructuredPatchHunk, oldIndex: number, count: number): void => {
    for (let k = 0; k < count; k++) emitOld(' ', oldIndex + k, into);
    into.oldLines += count;
    into.newLines += count;
  };

  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s];
    if (seg.kind === 'same') {
      if (hunk === null) continue;
      // A short gap between two changes stays inside one hunk, as in GNU diff.
      if (s < lastChange && seg.count <= 2 * context) {
        addContext(hunk, seg.oldIndex, seg.count);
      } else {
        addContext(hunk, seg.oldIndex, Math.min(context, seg.count));
        hunks.push(hunk);
        hunk = null;
      }
      continue;
    }
    if (hunk === null) {
      const prev = s > 0 ? segments[s - 1] : undefined;
      const lead = prev !== undefined && prev.kind === 'same' ? Math.min(context, prev.count) : 0;
      hunk = {
        oldStart: seg.oldIndex - lead + 1,
        oldLines: 0,
        newStart: seg.newIndex - lead + 1,
        newLines: 0,
        lines: [],
      };
      if (lead > 0 && prev !== undefined) addContext(hunk, prev.oldIndex + prev.count - lead, lead);
    }
    if (seg.kind === 'removed') {
      for (let k = 0; k < seg.count; k++) emitOld('-', seg.oldIndex + k, hunk);
      hunk.oldLines += seg.count;
    } else {
      for (let k = 0; k < seg.count; k++) emitNew(seg.newIndex + k, hunk);
      hunk.newLines += seg.count;
    }
  }
  if (hunk !== null) hunks.push(hunk);
  return hunks;
}

export function formatUnifiedDiff(oldLabel: string, newLabel: string, hunks: StructuredPatchHunk[]): string {
  const patch: StructuredPatch = {
    oldFileName: oldLabel,
    newFileName: newLabel,
    oldHeader: undefined,
    newHeader: undefined,
    hunks,
  };
  // formatPatch C-quotes labels with tabs, newlines or non-ASCII, so any label keeps the diff parseable.
  return formatPatch(patch, FILE_HEADERS_ONLY);
}

/**
 * Applies a unified diff produced by analyseChange to the previous text; null when it does not apply
 * (malformed diff, several files, or a hunk whose lines do not match). Uses jsdiff's parser and
 * applier, an implementation independent of our diff builder, with no fuzz and no line-ending
 * conversion, so a successful result is a genuine check of the diff.
 */
export function applyDiff(previousText: string, diff: string): string | null {
  let patches: StructuredPatch[];
  try {
    patches = parsePatch(diff);
  } catch {
    // parsePatch signals a malformed diff by throwing; for this function that simply means "does not apply".
    return null;
  }
  if (patches.length !== 1) return null;
  const result = applyPatch(previousText, patches[0], { fuzzFactor: 0, autoConvertLineEndings: false });
  return result === false ? null : result;
}
