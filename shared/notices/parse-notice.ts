import { fail, type Problem, type Result } from '../common/result';
import { splitFrontMatter } from './front-matter';
import { extractHtmlNotice, extractHtmlNoticeInSlices } from './html-notice';
import { toLf } from './normalise-text';

export interface ParsedNotice {
  /** Front matter as published (markdown) or built from whitelisted head metadata (html); null when none. */
  frontMatterText: string | null;
  /** Parsed front matter, JSON-stable; `{}` when none. */
  metadata: Record<string, unknown>;
  /** Markdown body, not yet normalised and with includes not yet resolved. */
  body: string;
}

/**
 * Splits a fetched notice into metadata and markdown body.
 * markdown: YAML front matter via gray-matter (FRONT_MATTER_INVALID when unclosed, invalid YAML or
 * not a mapping). html: the `selector` region as markdown (SELECTOR_NOT_FOUND, SELECTOR_INVALID).
 * `source` (usually the URL) names the notice in error messages.
 */
export function parseNotice(
  text: string,
  format: 'markdown' | 'html',
  selector?: string,
  source = 'the notice',
): Result<ParsedNotice> {
  const clean = toLf(text);
  if (format === 'html') return extractHtmlNotice(clean, selector, source);
  return splitFrontMatter(clean, source);
}

/**
 * parseNotice for the pipeline: the same result, with the event loop let run (`pause`) between
 * slices of the work, so that a large page cannot hold a run past its deadlines. `pause` may
 * return a problem (the run gave up on this notice) to stop there.
 */
export async function parseNoticeInSlices(
  text: string,
  format: 'markdown' | 'html',
  selector: string | undefined,
  source: string,
  pause: () => Promise<Problem | null>,
): Promise<Result<ParsedNotice>> {
  const clean = toLf(text);
  if (format === 'html') return extractHtmlNoticeInSlices(clean, selector, source, pause);
  const stop = await pause();
  if (stop) return fail(stop.code, stop.message);
  return splitFrontMatter(clean, source);
}
