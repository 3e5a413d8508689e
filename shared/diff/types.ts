/** One side of a comparison: a canonical snapshot as produced by the snapshot module. */
export interface ComparableDocument {
  /**
   * The whole canonical snapshot text: optional front matter block `---\n<yaml>\n---\n`, then the
   * markdown body. Normally LF only and ending with exactly one `\n`, but any string is accepted.
   */
  text: string;
  /** Front matter parsed to an object (`{}` when none). */
  metadata: Record<string, unknown>;
  /** The markdown body (text after the front matter block). */
  body: string;
}

export interface AnalyseChangeOptions {
  /** File name written on the `---` line of the unified diff. Default `previous`. */
  previousLabel?: string;
  /** File name written on the `+++` line of the unified diff. Default `current`. */
  currentLabel?: string;
  /** Unchanged lines shown around each change in the unified diff. Default 3. */
  contextLines?: number;
  /** Wall-clock budget for the whole line diff, in ms; past it, remaining changed stretches are shown as replaced. Default 60. */
  lineDiffTimeoutMs?: number;
  /** Largest line edit distance the precise line diff will search before giving up. Default 20,000. */
  maxLineEditLength?: number;
  /** A change block whose removed or added side is longer than this (UTF-16 units) gets no word diff. Default 4,000. */
  maxWordDiffChars?: number;
  /** Wall-clock budget for the word diff of one change block, in ms. Default 15. */
  wordDiffTimeoutMs?: number;
  /** Wall-clock budget for all word diffs of one analysis, in ms. Default 40. */
  wordDiffBudgetMs?: number;
  /** At most this many `wordChanges` entries are produced. Default 200. */
  maxWordChanges?: number;
}

export interface MetadataChange {
  key: string;
  /** JSON-safe value before the change; `null` when the key was absent. */
  before: unknown;
  /** JSON-safe value after the change; `null` when the key is absent. */
  after: unknown;
}

export type SectionChangeKind = 'added' | 'removed' | 'modified';

export interface SectionChange {
  /** Heading path such as `Privacy notice > How we use your data > Cookies`, or `(preamble)`. */
  heading: string;
  change: SectionChangeKind;
  /** Diff lines added inside this section (counted in the current document). */
  linesAdded: number;
  /** Diff lines removed from this section (counted in the previous document). */
  linesRemoved: number;
}

export interface WordPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export interface WordChange {
  /** Heading path of the section the change block sits in (current side, or previous for pure removals). */
  heading: string;
  /** The removed lines of the block, joined with `\n` (cut to the word-diff limit when `truncated`). */
  removed: string;
  /** The added lines of the block, joined with `\n` (cut to the word-diff limit when `truncated`). */
  added: string;
  /**
   * Inline highlights: concatenating `same`+`removed` texts gives `removed`, and `same`+`added`
   * texts gives `added`. The block is shown whole (one `removed` and/or one `added` part) for pure
   * insertions/deletions, when the sides share under 30% of their words (a rewrite), and when the
   * word diff was skipped by a bound (counted in `bounds.wordDiffSkippedHunks`).
   */
  parts: WordPart[];
  /** `removed`/`added` were cut to the word-diff size limit. */
  truncated: boolean;
}

export interface ChangeAnalysis {
  /** Unified diff from previous.text to current.text; applying it to previous.text gives current.text exactly. */
  diff: string;
  /** True when the body text changed; false for a metadata-only change (or no change). */
  substantive: boolean;
  /** Top-level front matter keys whose value changed, sorted by key. */
  metadataChanges: MetadataChange[];
  /** Changed sections of the body, in document order (removed sections placed where they used to be). */
  sections: SectionChange[];
  /** One entry per contiguous block of changed body lines, bounded by `maxWordChanges`. */
  wordChanges: WordChange[];
  /** Lines added in the whole diff (front matter included). */
  linesAdded: number;
  /** Lines removed in the whole diff (front matter included). */
  linesRemoved: number;
  bounds: {
    /**
     * True when a precise line diff was not produced for some region because it exceeded its
     * bound, so the changed middle of that region is shown as wholly replaced. The diff still
     * applies exactly.
     */
    lineDiffFallback: boolean;
    /** Change blocks with no word-level highlights (too large, too slow, or over `maxWordChanges`). */
    wordDiffSkippedHunks: number;
  };
}

/** What a change report and the since-review diff carry of an analysis: all but its bounds. */
export type ReportedChange = Pick<
  ChangeAnalysis,
  'substantive' | 'diff' | 'metadataChanges' | 'sections' | 'wordChanges' | 'linesAdded' | 'linesRemoved'
>;
