import { performance } from 'node:perf_hooks';

import { diffArrays } from 'diff';

/**
 * A text cut into lines the way unified diffs (and jsdiff's applyPatch) see it: split on `\n`
 * only, so a stray `\r` stays part of its line and is reproduced byte for byte.
 */
export interface SplitText {
  lines: string[];
  /** False when the last line has no terminating `\n` (the `\ No newline at end of file` case). */
  endsWithNewline: boolean;
}

export function splitText(text: string): SplitText {
  if (text === '') return { lines: [], endsWithNewline: true };
  const lines = text.split('\n');
  const endsWithNewline = lines[lines.length - 1] === '';
  if (endsWithNewline) lines.pop();
  return { lines, endsWithNewline };
}

/** A run of consecutive lines that are kept, removed from the old side, or added on the new side. */
export interface Segment {
  kind: 'same' | 'removed' | 'added';
  /** Index of the first line of the run in the old text (for `added`: the old index it is inserted before). */
  oldIndex: number;
  /** Index of the first line of the run in the new text (for `removed`: the new index at that point). */
  newIndex: number;
  count: number;
}

/**
 * Interns lines as small integers so the Myers search compares numbers, not strings. The last line
 * of a text without a final newline gets a key of its own (a `\n` can never occur inside a line),
 * because `x` and `x\n` must not be treated as equal or the diff would lose the EOF newline change.
 */
export class LineInterner {
  private readonly ids = new Map<string, number>();

  idsFor(split: SplitText): Int32Array {
    const out = new Int32Array(split.lines.length);
    const last = split.lines.length - 1;
    for (let i = 0; i < split.lines.length; i++) {
      const key = i === last && !split.endsWithNewline ? '\n' + split.lines[i] : split.lines[i];
      let id = this.ids.get(key);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(key, id);
      }
      out[i] = id;
    }
    return out;
  }
}

export interface RegionDiff {
  segments: Segment[];
  /** True when some part of the region exceeded the bounds and was replaced wholesale. */
  fallback: boolean;
}

/** Lines [from, to) of one side, as interned line ids. */
export interface LineSpan {
  readonly ids: Int32Array;
  readonly from: number;
  readonly to: number;
}

/** Old lines [a, aEnd) against new lines [b, bEnd). */
interface Region {
  a: number;
  aEnd: number;
  b: number;
  bEnd: number;
}

/** Regions up to this many lines (old + new) go straight to Myers; larger ones are split first. */
const DIRECT_MYERS_LINES = 400;

/**
 * Diffs old lines [oldFrom, oldTo) against new lines [newFrom, newTo) within a deadline
 * (performance.now() value) and an edit-length bound.
 *
 * jsdiff's Myers is O((N+M)·D) with a large constant: a real 2,700-line policy revision with 1,300
 * changed lines takes it over 100 ms. So large regions are first cut at anchors, as in patience
 * diff: lines that occur exactly once on each side, kept in order (longest increasing subsequence).
 * Anchors are near-certain matches in prose, where paragraphs rarely repeat, and the gaps between
 * them are small enough for Myers. A gap that still exceeds the bounds is shown as removed-then-added,
 * which is coarse but still an exact diff.
 */
export function diffRegion(
  oldSide: LineSpan,
  newSide: LineSpan,
  bounds: { deadline: number; maxEditLength: number },
): RegionDiff {
  const oldIds = oldSide.ids;
  const newIds = newSide.ids;
  const segments: Segment[] = [];
  let fallback = false;
  const push = (kind: Segment['kind'], oldIndex: number, newIndex: number, count: number): void => {
    if (count <= 0) return;
    const last = segments[segments.length - 1];
    if (last !== undefined && last.kind === kind) {
      last.count += count;
      return;
    }
    segments.push({ kind, oldIndex, newIndex, count });
  };

  // Work list instead of recursion: anchors can nest deeply on adversarial input.
  type Task = Region | { same: number; newIndex: number; count: number };
  const tasks: Task[] = [{ a: oldSide.from, aEnd: oldSide.to, b: newSide.from, bEnd: newSide.to }];
  while (tasks.length > 0) {
    const task = tasks.pop() as Task;
    if ('same' in task) {
      push('same', task.same, task.newIndex, task.count);
      continue;
    }
    let { a, aEnd, b, bEnd } = task;
    const prefixStart = a;
    while (a < aEnd && b < bEnd && oldIds[a] === newIds[b]) {
      a++;
      b++;
    }
    push('same', prefixStart, b - (a - prefixStart), a - prefixStart);
    const suffixEnd = aEnd;
    while (aEnd > a && bEnd > b && oldIds[aEnd - 1] === newIds[bEnd - 1]) {
      aEnd--;
      bEnd--;
    }
    const suffix: Task = { same: aEnd, newIndex: bEnd, count: suffixEnd - aEnd };

    if (a === aEnd || b === bEnd) {
      push('removed', a, b, aEnd - a);
      push('added', aEnd, b, bEnd - b);
      push('same', suffix.same, suffix.newIndex, suffix.count);
      continue;
    }

    if (aEnd - a === 1 || bEnd - b === 1) {
      // One line against several: the LCS is that line if it occurs on the other side. Common after
      // anchoring (one paragraph reworded between two anchors), and not worth a Myers call.
      diffOneAgainstMany(oldIds, newIds, { a, aEnd, b, bEnd }, push);
      push('same', suffix.same, suffix.newIndex, suffix.count);
      continue;
    }

    const anchors =
      aEnd - a + (bEnd - b) > DIRECT_MYERS_LINES ? uniqueAnchors(oldIds, newIds, { a, aEnd, b, bEnd }) : [];
    if (anchors.length > 0) {
      // Push in reverse so the work list pops regions in document order.
      tasks.push(suffix);
      let nextA = aEnd;
      let nextB = bEnd;
      for (let k = anchors.length - 1; k >= 0; k--) {
        const [ai, bi] = anchors[k];
        tasks.push({ a: ai + 1, aEnd: nextA, b: bi + 1, bEnd: nextB });
        tasks.push({ same: ai, newIndex: bi, count: 1 });
        nextA = ai;
        nextB = bi;
      }
      tasks.push({ a, aEnd: nextA, b, bEnd: nextB });
      continue;
    }

    const remaining = bounds.deadline - performance.now();
    const changes =
      remaining >= 1
        ? diffArrays(Array.from(oldIds.subarray(a, aEnd)), Array.from(newIds.subarray(b, bEnd)), {
            timeout: remaining,
            maxEditLength: bounds.maxEditLength,
          })
        : undefined;
    if (changes === undefined) {
      fallback = true;
      push('removed', a, b, aEnd - a);
      push('added', aEnd, b, bEnd - b);
    } else {
      let i = a;
      let j = b;
      for (const change of changes) {
        const n = change.value.length;
        if (change.added) {
          push('added', i, j, n);
          j += n;
        } else if (change.removed) {
          push('removed', i, j, n);
          i += n;
        } else {
          push('same', i, j, n);
          i += n;
          j += n;
        }
      }
    }
    push('same', suffix.same, suffix.newIndex, suffix.count);
  }
  return { segments, fallback };
}

function diffOneAgainstMany(
  oldIds: Int32Array,
  newIds: Int32Array,
  { a, aEnd, b, bEnd }: Region,
  push: (kind: Segment['kind'], oldIndex: number, newIndex: number, count: number) => void,
): void {
  if (aEnd - a === 1) {
    const at = newIds.subarray(b, bEnd).indexOf(oldIds[a]);
    if (at < 0) {
      push('removed', a, b, 1);
      push('added', aEnd, b, bEnd - b);
    } else {
      push('added', a, b, at);
      push('same', a, b + at, 1);
      push('added', aEnd, b + at + 1, bEnd - b - at - 1);
    }
    return;
  }
  const at = oldIds.subarray(a, aEnd).indexOf(newIds[b]);
  if (at < 0) {
    push('removed', a, b, aEnd - a);
    push('added', aEnd, b, 1);
  } else {
    push('removed', a, b, at);
    push('same', a + at, b, 1);
    push('removed', a + at + 1, b + 1, aEnd - a - at - 1);
  }
}

/**
 * Pairs (oldIndex, newIndex) of lines occurring exactly once in old[a, aEnd) and once in
 * new[b, bEnd), reduced to the longest chain increasing on both sides (patience sorting, O(k log k)).
 */
function uniqueAnchors(oldIds: Int32Array, newIds: Int32Array, { a, aEnd, b, bEnd }: Region): Array<[number, number]> {
  // id -> position on that side, or -2 once seen twice.
  const inOld = new Map<number, number>();
  for (let i = a; i < aEnd; i++) inOld.set(oldIds[i], inOld.has(oldIds[i]) ? -2 : i);
  const inNew = new Map<number, number>();
  for (let j = b; j < bEnd; j++) inNew.set(newIds[j], inNew.has(newIds[j]) ? -2 : j);

  const candidates: Array<[number, number]> = [];
  for (let i = a; i < aEnd; i++) {
    const id = oldIds[i];
    if (inOld.get(id) !== i) continue;
    const j = inNew.get(id);
    if (j !== undefined && j >= 0) candidates.push([i, j]);
  }
  if (candidates.length === 0) return [];

  // Longest increasing subsequence of new positions (candidates are already in old order).
  const tails: number[] = []; // index into candidates of the smallest tail of each length
  const previous = new Int32Array(candidates.length).fill(-1);
  for (let k = 0; k < candidates.length; k++) {
    const j = candidates[k][1];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (candidates[tails[mid]][1] < j) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[k] = tails[lo - 1];
    tails[lo] = k;
  }
  const chain: Array<[number, number]> = [];
  for (let k = tails[tails.length - 1]; k >= 0; k = previous[k]) chain.push(candidates[k]);
  return chain.reverse();
}
