import { sha256Hex } from '../common/hash';
import { splitFrontMatter } from './front-matter';
import { normaliseText, toLf } from './normalise-text';

/** The canonical text the rest of the system stores and diffs, with its parts. */
export interface SnapshotDocument {
  /** `---\n<front matter as published, normalised>---\n` + body when there is front matter, else body. */
  text: string;
  /** Parsed front matter, `{}` when none (dates as ISO strings so it is JSON-stable). */
  metadata: Record<string, unknown>;
  /** Includes resolved, normalised. */
  body: string;
}

/**
 * Assembles the canonical snapshot. Both parts are normalised here, so callers may pass raw text;
 * the result satisfies normaliseText(document.text) === document.text.
 */
export function buildSnapshotDocument(
  frontMatterText: string | null,
  metadata: Record<string, unknown>,
  body: string,
): SnapshotDocument {
  const normalisedBody = normaliseText(body);
  const normalisedFrontMatter = frontMatterText === null ? '' : normaliseText(frontMatterText);
  const text = normalisedFrontMatter === '' ? normalisedBody : `---\n${normalisedFrontMatter}---\n${normalisedBody}`;
  return { text, metadata, body: normalisedBody };
}

/** sha256 hex of the UTF-8 bytes of a snapshot text. */
export function hashSnapshot(text: string): string {
  return sha256Hex(text);
}

/**
 * Rebuilds a SnapshotDocument from a stored snapshot text (as written by buildSnapshotDocument).
 * Stored front matter was valid YAML when it was snapshotted; should it fail to parse now, the
 * whole text is returned as the body with empty metadata, so the comparison still shows every
 * line instead of failing the run (`metadataError` says why).
 */
export function documentFromSnapshotText(text: string): SnapshotDocument & { metadataError?: string } {
  const split = splitFrontMatter(toLf(text), 'the stored snapshot');
  if (!split.ok) return { text, metadata: {}, body: text, metadataError: split.problem.message };
  return { text, metadata: split.value.metadata, body: split.value.body };
}
