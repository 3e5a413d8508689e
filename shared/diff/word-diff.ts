import { diffArrays } from 'diff';

import type { WordPart } from './types';

/**
 * Words (letters/digits with inner apostrophes, hyphens or dots, e.g. "third-party", "e.g"), runs of
 * whitespace, or any other single code point. Every character lands in exactly one token, so the
 * tokens always join back to the input. We tokenise ourselves instead of calling jsdiff's diffWords
 * so that reconstruction is guaranteed by construction and the cost is one regex pass.
 */
const TOKEN = /[\p{L}\p{M}\p{N}_]+(?:['’.-][\p{L}\p{M}\p{N}_]+)*|\s+|[^]/gu;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/**
 * Below this share of common tokens a block reads better as "replaced" than as confetti of tiny
 * matches (every "the" and "," kept), and it is also where Myers is slowest, so we stop there.
 */
const MIN_COMMON_SHARE = 0.3;

/**
 * Word-level highlights between two texts, `null` when the texts are too different to highlight
 * usefully (shown as a whole replacement), or undefined when the search exceeded `timeoutMs`.
 * Whitespace-only common runs sandwiched between changes are folded into the change, so "a b c" ->
 * "x y z" reads as one replacement rather than three.
 */
export function diffWordParts(removed: string, added: string, timeoutMs: number): WordPart[] | null | undefined {
  const oldTokens = tokenize(removed);
  const newTokens = tokenize(added);

  // Common head and tail are cut before the search: most edits touch a few words of a paragraph.
  let head = 0;
  while (head < oldTokens.length && head < newTokens.length && oldTokens[head] === newTokens[head]) head++;
  let oldEnd = oldTokens.length;
  let newEnd = newTokens.length;
  while (oldEnd > head && newEnd > head && oldTokens[oldEnd - 1] === newTokens[newEnd - 1]) {
    oldEnd--;
    newEnd--;
  }

  // Tokens as small integers: Myers then compares numbers, not strings.
  const ids = new Map<string, number>();
  const toIds = (tokens: string[], from: number, to: number): number[] => {
    const out = new Array<number>(to - from);
    for (let i = from; i < to; i++) {
      let id = ids.get(tokens[i]);
      if (id === undefined) {
        id = ids.size;
        ids.set(tokens[i], id);
      }
      out[i - from] = id;
    }
    return out;
  };
  const oldIds = toIds(oldTokens, head, oldEnd);
  const newIds = toIds(newTokens, head, newEnd);

  const commonWords = head + (oldTokens.length - oldEnd) + multisetOverlap(oldIds, newIds);
  if (commonWords < MIN_COMMON_SHARE * Math.max(oldTokens.length, newTokens.length)) return null;

  let middle: Array<{ kind: WordPart['kind']; from: number; to: number; side: 'old' | 'new' }>;
  if (oldIds.length === 0 || newIds.length === 0) {
    middle = [
      { kind: 'removed', from: head, to: oldEnd, side: 'old' },
      { kind: 'added', from: head, to: newEnd, side: 'new' },
    ];
  } else {
    const changes = diffArrays(oldIds, newIds, { timeout: Math.max(1, timeoutMs) });
    if (changes === undefined) return undefined;
    middle = [];
    let i = head;
    let j = head;
    for (const c of changes) {
      const n = c.value.length;
      if (c.added) {
        middle.push({ kind: 'added', from: j, to: j + n, side: 'new' });
        j += n;
      } else if (c.removed) {
        middle.push({ kind: 'removed', from: i, to: i + n, side: 'old' });
        i += n;
      } else {
        middle.push({ kind: 'same', from: j, to: j + n, side: 'new' });
        i += n;
        j += n;
      }
    }
  }
  const text = (tokens: string[], from: number, to: number): string => tokens.slice(from, to).join('');
  const raw: WordPart[] = [{ kind: 'same', text: text(oldTokens, 0, head) }];
  for (const m of middle)
    raw.push({ kind: m.kind, text: text(m.side === 'old' ? oldTokens : newTokens, m.from, m.to) });
  raw.push({ kind: 'same', text: text(oldTokens, oldEnd, oldTokens.length) });
  return foldParts(raw.filter((p) => p.text !== ''));
}

/** Number of tokens the two sides have in common, ignoring order. */
function multisetOverlap(a: readonly number[], b: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const id of a) counts.set(id, (counts.get(id) ?? 0) + 1);
  let common = 0;
  for (const id of b) {
    const n = counts.get(id);
    if (n !== undefined && n > 0) {
      common++;
      counts.set(id, n - 1);
    }
  }
  return common;
}

/** Merges runs of one kind and folds whitespace-only common runs between changes into the change. */
function foldParts(raw: readonly WordPart[]): WordPart[] {
  const parts: WordPart[] = [];
  let pendingRemoved = '';
  let pendingAdded = '';
  const flush = (): void => {
    if (pendingRemoved !== '') parts.push({ kind: 'removed', text: pendingRemoved });
    if (pendingAdded !== '') parts.push({ kind: 'added', text: pendingAdded });
    pendingRemoved = '';
    pendingAdded = '';
  };
  for (let i = 0; i < raw.length; i++) {
    const part = raw[i];
    if (part.kind === 'removed') {
      pendingRemoved += part.text;
    } else if (part.kind === 'added') {
      pendingAdded += part.text;
    } else {
      const inChange = pendingRemoved !== '' || pendingAdded !== '';
      const nextIsChange = i + 1 < raw.length && raw[i + 1].kind !== 'same';
      if (inChange && nextIsChange && /^\s+$/.test(part.text)) {
        pendingRemoved += part.text;
        pendingAdded += part.text;
        continue;
      }
      flush();
      const last = parts[parts.length - 1];
      if (last !== undefined && last.kind === 'same') last.text += part.text;
      else parts.push({ kind: 'same', text: part.text });
    }
  }
  flush();
  return parts;
}

/** Cuts text to at most `max` UTF-16 units without splitting a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  const code = text.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end);
}
