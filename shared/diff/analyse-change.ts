import { performance } from 'node:perf_hooks';

import { withoutUndefined } from '../common/json-data';
import { diffRegion, LineInterner, type Segment, type SplitText, splitText } from './line-diff';
import { mapSections, type SectionMap } from './markdown-sections';
import { compareMetadata } from './metadata-changes';
import type {
  AnalyseChangeOptions,
  ChangeAnalysis,
  ComparableDocument,
  SectionChange,
  WordChange,
  WordPart,
} from './types';
import { applyDiff, buildHunks, formatUnifiedDiff } from './unified-diff';
import { cutText, diffWordParts } from './word-diff';

/**
 * The round-trip self-check costs about as much as building the diff; above this size (only whole
 * rewrites of very large documents get there) it would push a pair past its time target, so it is
 * left to the tests.
 */
const SELF_CHECK_MAX_DIFF_CHARS = 512 * 1024;
const SELF_CHECK_MAX_DIFF_LINES = 20_000;

const DEFAULTS = {
  previousLabel: 'previous',
  currentLabel: 'current',
  contextLines: 3,
  lineDiffTimeoutMs: 60,
  maxLineEditLength: 20_000,
  maxWordDiffChars: 4_000,
  wordDiffTimeoutMs: 15,
  wordDiffBudgetMs: 40,
  maxWordChanges: 200,
} satisfies Required<AnalyseChangeOptions>;

/**
 * Compares two snapshots of a notice: a unified diff that applies exactly, whether the body changed,
 * which front matter keys changed, which sections changed, and word-level highlights per change
 * block. Every expensive step is bounded (see AnalyseChangeOptions), so any pair of documents
 * finishes in a fraction of a second; when a bound is hit the result says so in `bounds`.
 */
export function analyseChange(
  previous: ComparableDocument,
  current: ComparableDocument,
  options: AnalyseChangeOptions = {},
): ChangeAnalysis {
  const opts = { ...DEFAULTS, ...withoutUndefined(options) };
  const context = Math.max(0, Math.floor(opts.contextLines));

  const oldSplit = splitText(previous.text);
  const newSplit = splitText(current.text);
  const oldBodyStart = findBodyStart(previous, oldSplit);
  const newBodyStart = findBodyStart(current, newSplit);

  const interner = new LineInterner();
  const oldIds = interner.idsFor(oldSplit);
  const newIds = interner.idsFor(newSplit);
  // One deadline for the whole line diff, shared by both regions.
  const bounds = { deadline: performance.now() + opts.lineDiffTimeoutMs, maxEditLength: opts.maxLineEditLength };

  // Front matter and body are diffed separately so a body line is never matched against a front
  // matter line: a metadata-only change then can never show up as a body (section) change.
  const frontMatter = diffRegion(
    { ids: oldIds, from: 0, to: oldBodyStart },
    { ids: newIds, from: 0, to: newBodyStart },
    bounds,
  );
  const body = diffRegion(
    { ids: oldIds, from: oldBodyStart, to: oldIds.length },
    { ids: newIds, from: newBodyStart, to: newIds.length },
    bounds,
  );
  const segments = joinSegments(frontMatter.segments, body.segments);
  let lineDiffFallback = frontMatter.fallback || body.fallback;

  const hunks = buildHunks(oldSplit, newSplit, segments, context);
  let diff = formatUnifiedDiff(opts.previousLabel, opts.currentLabel, hunks);
  const diffLines = hunks.reduce((n, h) => n + h.lines.length, 0);
  if (
    diff.length <= SELF_CHECK_MAX_DIFF_CHARS &&
    diffLines <= SELF_CHECK_MAX_DIFF_LINES &&
    applyDiff(previous.text, diff) !== current.text
  ) {
    // Defensive: should never happen (property tests and the corpus benchmark check it). If the
    // precise diff ever fails its round trip through jsdiff's independent parser, ship the simplest
    // diff there is (everything replaced) rather than a diff that lies.
    diff = formatUnifiedDiff(
      opts.previousLabel,
      opts.currentLabel,
      buildHunks(oldSplit, newSplit, wholeReplacement(oldSplit, newSplit), context),
    );
    lineDiffFallback = true;
  }

  let linesAdded = 0;
  let linesRemoved = 0;
  for (const seg of segments) {
    if (seg.kind === 'added') linesAdded += seg.count;
    else if (seg.kind === 'removed') linesRemoved += seg.count;
  }

  const oldSections = mapSections(oldSplit.lines, oldBodyStart);
  const newSections = mapSections(newSplit.lines, newBodyStart);
  const words = wordChanges(
    body.segments,
    { split: oldSplit, sections: oldSections },
    { split: newSplit, sections: newSections },
    opts,
  );

  return {
    diff,
    substantive: body.segments.some((s) => s.kind !== 'same'),
    metadataChanges: compareMetadata(previous.metadata, current.metadata),
    sections: sectionChanges(body.segments, oldSections, newSections),
    wordChanges: words.changes,
    linesAdded,
    linesRemoved,
    bounds: { lineDiffFallback, wordDiffSkippedHunks: words.skipped },
  };
}

const FRONT_MATTER_OPEN = /^---[\w-]*[ \t]*\r?$/;
const FRONT_MATTER_CLOSE = /^---[ \t]*\r?$/;

/**
 * Line index where the body starts in `text`. Trusts `doc.body` when it is a suffix of `text` and
 * what precedes it is a front matter block; otherwise (inconsistent input) finds the block itself.
 */
export function findBodyStart(doc: ComparableDocument, split: SplitText): number {
  const { text, body } = doc;
  if (typeof body === 'string' && body.length <= text.length && text.endsWith(body)) {
    const prefix = text.slice(0, text.length - body.length);
    if (prefix === '') return 0;
    if (prefix.endsWith('\n')) {
      const prefixLines = prefix.slice(0, -1).split('\n');
      if (
        prefixLines.length >= 2 &&
        FRONT_MATTER_OPEN.test(prefixLines[0]) &&
        FRONT_MATTER_CLOSE.test(prefixLines[prefixLines.length - 1])
      ) {
        return prefixLines.length;
      }
    }
  }
  if (split.lines.length > 0 && FRONT_MATTER_OPEN.test(split.lines[0])) {
    for (let i = 1; i < split.lines.length; i++) {
      if (FRONT_MATTER_CLOSE.test(split.lines[i])) return i + 1;
    }
  }
  return 0;
}

function joinSegments(first: Segment[], second: Segment[]): Segment[] {
  const out = first.map((s) => ({ ...s }));
  for (const seg of second) {
    const last = out[out.length - 1];
    if (last !== undefined && last.kind === seg.kind && seg.kind === 'same') last.count += seg.count;
    else out.push({ ...seg });
  }
  return out;
}

function wholeReplacement(oldSplit: SplitText, newSplit: SplitText): Segment[] {
  const segments: Segment[] = [];
  if (oldSplit.lines.length > 0)
    segments.push({ kind: 'removed', oldIndex: 0, newIndex: 0, count: oldSplit.lines.length });
  if (newSplit.lines.length > 0) {
    segments.push({ kind: 'added', oldIndex: oldSplit.lines.length, newIndex: 0, count: newSplit.lines.length });
  }
  return segments;
}

/**
 * Per-section line counts. Sections are matched by heading path: a path only in the current
 * document is 'added', only in the previous one 'removed' (even when the diff touched none of its
 * lines, e.g. because a parent heading was renamed), in both with changed lines 'modified'.
 */
function sectionChanges(bodySegments: readonly Segment[], oldMap: SectionMap, newMap: SectionMap): SectionChange[] {
  const counts = new Map<string, { added: number; removed: number }>();
  const bump = (key: string, field: 'added' | 'removed'): void => {
    const entry = counts.get(key) ?? { added: 0, removed: 0 };
    entry[field]++;
    counts.set(key, entry);
  };
  for (const seg of bodySegments) {
    if (seg.kind === 'removed') {
      for (let i = seg.oldIndex; i < seg.oldIndex + seg.count; i++)
        bump(oldMap.sections[oldMap.sectionOfLine[i]].key, 'removed');
    } else if (seg.kind === 'added') {
      for (let i = seg.newIndex; i < seg.newIndex + seg.count; i++)
        bump(newMap.sections[newMap.sectionOfLine[i]].key, 'added');
    }
  }

  const oldVisible = new Set(oldMap.sections.filter((s) => s.visible).map((s) => s.key));
  const newVisible = new Set(newMap.sections.filter((s) => s.visible).map((s) => s.key));
  const newKeys = new Set(newMap.sections.map((s) => s.key));

  // Document order of the current notice, with each removed section placed after the section that
  // preceded it in the previous notice.
  const removedAfter = new Map<string | null, string[]>();
  let anchor: string | null = null;
  for (const { key } of oldMap.sections) {
    if (newKeys.has(key)) {
      anchor = key;
    } else {
      const list = removedAfter.get(anchor) ?? [];
      list.push(key);
      removedAfter.set(anchor, list);
    }
  }
  const order: string[] = [...(removedAfter.get(null) ?? [])];
  for (const { key } of newMap.sections) order.push(key, ...(removedAfter.get(key) ?? []));

  const result: SectionChange[] = [];
  for (const key of order) {
    const c = counts.get(key) ?? { added: 0, removed: 0 };
    const inOld = oldVisible.has(key);
    const inNew = newVisible.has(key);
    let change: SectionChange['change'] | null = null;
    if (inNew && !inOld) change = 'added';
    else if (inOld && !inNew) change = 'removed';
    else if (c.added > 0 || c.removed > 0) change = 'modified';
    if (change !== null) result.push({ heading: key, change, linesAdded: c.added, linesRemoved: c.removed });
  }
  return result;
}

interface WordOptions {
  maxWordDiffChars: number;
  wordDiffTimeoutMs: number;
  wordDiffBudgetMs: number;
  maxWordChanges: number;
}

/** Joins lines [from, from+count) with `\n`, stopping once the result exceeds `limit` characters. */
function joinLinesCapped(lines: readonly string[], from: number, count: number, limit: number): string {
  let out = '';
  for (let i = from; i < from + count; i++) {
    out += (i === from ? '' : '\n') + lines[i];
    if (out.length > limit) break;
  }
  return out;
}

/** One side of a comparison: its lines and where its sections lie. */
interface SideText {
  readonly split: SplitText;
  readonly sections: SectionMap;
}

/**
 * Word highlights for each contiguous block of changed body lines. Blocks are diffed one by one
 * with a per-block time limit, a size limit and a shared budget, because a word diff over a whole
 * rewritten policy is what makes naive diffing take minutes.
 */
function wordChanges(
  bodySegments: readonly Segment[],
  previous: SideText,
  current: SideText,
  opts: WordOptions,
): { changes: WordChange[]; skipped: number } {
  const { split: oldSplit, sections: oldMap } = previous;
  const { split: newSplit, sections: newMap } = current;
  const changes: WordChange[] = [];
  let skipped = 0;
  const limit = Math.max(0, Math.floor(opts.maxWordDiffChars));

  let s = 0;
  while (s < bodySegments.length) {
    if (bodySegments[s].kind === 'same') {
      s++;
      continue;
    }
    // A block is a maximal run of non-'same' segments: it covers one contiguous range of old lines
    // and one contiguous range of new lines.
    const oldStart = bodySegments[s].oldIndex;
    const newStart = bodySegments[s].newIndex;
    let removedCount = 0;
    let addedCount = 0;
    for (; s < bodySegments.length && bodySegments[s].kind !== 'same'; s++) {
      if (bodySegments[s].kind === 'removed') removedCount += bodySegments[s].count;
      else addedCount += bodySegments[s].count;
    }

    if (changes.length >= opts.maxWordChanges) {
      skipped++;
      continue;
    }

    const heading =
      addedCount > 0
        ? newMap.sections[newMap.sectionOfLine[newStart]].key
        : oldMap.sections[oldMap.sectionOfLine[oldStart]].key;
    const removedFull = joinLinesCapped(oldSplit.lines, oldStart, removedCount, limit);
    const addedFull = joinLinesCapped(newSplit.lines, newStart, addedCount, limit);
    const truncated = removedFull.length > limit || addedFull.length > limit;
    const removed = cutText(removedFull, limit);
    const added = cutText(addedFull, limit);
    // Until highlighted below, a block is shown whole: right for pure insertions and deletions.
    const parts: WordPart[] = [];
    if (removed !== '') parts.push({ kind: 'removed', text: removed });
    if (added !== '') parts.push({ kind: 'added', text: added });
    changes.push({ heading, removed, added, parts, truncated });
  }

  // Highlight the smallest blocks first, so a few huge rewrites cannot eat the budget that would
  // have covered dozens of ordinary one-sentence edits.
  const candidates = changes
    .filter((c) => c.removed !== '' && c.added !== '')
    .sort((x, y) => x.removed.length + x.added.length - (y.removed.length + y.added.length));
  const deadline = performance.now() + opts.wordDiffBudgetMs;
  for (const change of candidates) {
    const remaining = deadline - performance.now();
    if (change.truncated || remaining < 1) {
      skipped++;
      continue;
    }
    // null: too different to highlight usefully, stays whole. undefined: the time bound stopped it.
    const parts = diffWordParts(change.removed, change.added, Math.min(opts.wordDiffTimeoutMs, remaining));
    if (parts === undefined) skipped++;
    else if (parts !== null) change.parts = parts;
  }
  return { changes, skipped };
}
