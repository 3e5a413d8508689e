/**
 * How much of a new version is the beginning of the previous one, word for word: a render that
 * stopped half-way gives the old text's first part and nothing else. Linear in the number of words:
 * one anchor lookup at the start, then a walk that resynchronises after small differences.
 */

/** Words compared at once to find or regain the alignment. */
const ANCHOR = 6;
/** The new text may start this many words off the old one (a doubled title, a banner). */
const MAX_START_OFFSET = 60;
/** After a difference, the walk looks this far ahead for the texts to meet again. */
const RESYNC_WINDOW = 40;

export interface PrefixAlignment {
  /** Share of the new words that follow the old text in order from its start. */
  readonly matchedShare: number;
  /** How far into the old text (share of its words) the new one reaches. */
  readonly reachedShare: number;
}

function anchorKey(words: readonly string[], at: number): string {
  return words.slice(at, at + ANCHOR).join(' ');
}

export function prefixAlignment(newWords: readonly string[], oldWords: readonly string[]): PrefixAlignment {
  if (newWords.length < ANCHOR || oldWords.length < ANCHOR) return { matchedShare: 0, reachedShare: 0 };
  const oldAnchors = new Map<string, number>();
  for (let j = 0; j + ANCHOR <= oldWords.length && j <= MAX_START_OFFSET; j++) {
    const key = anchorKey(oldWords, j);
    if (!oldAnchors.has(key)) oldAnchors.set(key, j);
  }
  let i = -1;
  let j = -1;
  for (let start = 0; start + ANCHOR <= newWords.length && start <= MAX_START_OFFSET; start++) {
    const found = oldAnchors.get(anchorKey(newWords, start));
    if (found !== undefined) {
      i = start;
      j = found;
      break;
    }
  }
  if (i < 0) return { matchedShare: 0, reachedShare: 0 };

  let matched = 0;
  while (i < newWords.length && j < oldWords.length) {
    if (newWords[i] === oldWords[j]) {
      matched++;
      i++;
      j++;
      continue;
    }
    // Resynchronise: the next place, a little ahead on either side, where the texts agree again.
    let resumed = false;
    for (let skip = 1; skip <= RESYNC_WINDOW && !resumed; skip++) {
      for (const [di, dj] of [
        [0, skip],
        [skip, 0],
        [skip, skip],
      ]) {
        if (i + di + ANCHOR <= newWords.length && j + dj + ANCHOR <= oldWords.length) {
          if (anchorKey(newWords, i + di) === anchorKey(oldWords, j + dj)) {
            i += di;
            j += dj;
            resumed = true;
            break;
          }
        }
      }
    }
    if (!resumed) break;
  }
  return { matchedShare: matched / newWords.length, reachedShare: j / oldWords.length };
}
