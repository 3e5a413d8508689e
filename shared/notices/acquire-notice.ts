import type { NoticeConfig } from '../config/types';
import { fail, ok, type Problem, type Result } from '../common/result';
import { fetchResource, type ConditionalValidators, type FetchOptions } from './fetch-resource';
import { yieldToEventLoop } from '../common/yield-to-event-loop';
import { parseNoticeInSlices } from './parse-notice';
import { resolveIncludes } from './resolve-includes';
import { buildSnapshotDocument, hashSnapshot, type SnapshotDocument } from './snapshot-document';

export interface AcquireOptions extends FetchOptions {
  /** Validators of the last good snapshot; a 304 then yields `not-modified`. Never sent for includes. */
  conditional?: ConditionalValidators;
  /** Include nesting levels allowed (default 5). */
  maxIncludeDepth?: number;
  /** Include directives allowed in total (default 50). */
  maxIncludes?: number;
  /** Aborting it cancels the notice's fetches and its includes' (CANCELLED). */
  signal?: AbortSignal;
}

export type Acquisition =
  | { kind: 'not-modified' }
  | {
      kind: 'fetched';
      /** The notice's bytes as fetched (includes are not part of them). */
      raw: Buffer;
      contentType: string | null;
      finalUrl: string;
      etag: string | null;
      lastModified: string | null;
      /** Include URLs used, each once, in order of first use. */
      includeUrls: string[];
      document: SnapshotDocument;
      /** hashSnapshot(document.text). */
      hash: string;
    };

/** A body that starts like an HTML page, where markdown was expected: a soft error page or a wrong URL. */
const HTML_PAGE = /^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i;

/**
 * The whole step for one notice: fetch (conditionally if validators are given), parse, resolve
 * includes (markdown notices only), normalise, build the snapshot document and hash it.
 * Any failure, including one include, fails the acquisition: there is never a partial snapshot.
 */
export async function acquireNotice(notice: NoticeConfig, options: AcquireOptions = {}): Promise<Result<Acquisition>> {
  const { conditional, maxIncludeDepth, maxIncludes, ...fetchOptions } = options;
  const fetched = await fetchResource(notice.url, { ...fetchOptions, conditional });
  if (!fetched.ok) return fetched;
  if (fetched.value.kind === 'not-modified') return ok({ kind: 'not-modified' });
  const page = fetched.value;

  if (notice.format === 'markdown' && HTML_PAGE.test(page.text)) {
    return fail(
      'NOT_MARKDOWN',
      `${page.finalUrl} returned an HTML page where markdown was expected (Content-Type ${page.contentType ?? 'missing'}); check the URL or set format: html with a selector.`,
    );
  }

  // Work on fetched text is done in slices with the event loop let run between them: a run's
  // deadlines are timers, and a 5 MiB body must not keep them from firing. A run that gave up on
  // this notice meanwhile stops it there.
  const pause = async (): Promise<Problem | null> => {
    await yieldToEventLoop();
    return options.signal?.aborted
      ? { code: 'CANCELLED', message: `Reading ${page.finalUrl} was cancelled: the run reached its deadline.` }
      : null;
  };
  const parsed = await parseNoticeInSlices(page.text, notice.format, notice.selector, page.finalUrl, pause);
  if (!parsed.ok) return parsed;
  const afterParse = await pause();
  if (afterParse) return fail(afterParse.code, afterParse.message);

  let body = parsed.value.body;
  let includeUrls: string[] = [];
  if (notice.format === 'markdown') {
    const site = new URL(page.finalUrl).origin;
    const resolved = await resolveIncludes(
      body,
      page.finalUrl,
      async (url) => {
        // Same limits as the notice itself, but never conditional: an include's 304 has no text to inline.
        // Redirects are held to the site before they are followed, so an include cannot make us contact another host.
        const include = await fetchResource(url, { ...fetchOptions, sameOrigin: site });
        if (!include.ok) {
          return include.problem.code === 'REDIRECT_OFF_SITE'
            ? fail('INCLUDE_OUTSIDE_SITE', include.problem.message)
            : include;
        }
        if (include.value.kind === 'not-modified') {
          return fail('UNEXPECTED_NOT_MODIFIED', `${url} answered 304 Not Modified to an unconditional request.`);
        }
        if (HTML_PAGE.test(include.value.text)) {
          return fail(
            'NOT_MARKDOWN',
            `${include.value.finalUrl} returned an HTML page where a markdown include was expected.`,
          );
        }
        return ok(include.value.text);
      },
      { maxDepth: maxIncludeDepth, maxIncludes },
    );
    if (!resolved.ok) return resolved;
    body = resolved.value.body;
    includeUrls = resolved.value.includeUrls;
  }

  const beforeSnapshot = await pause();
  if (beforeSnapshot) return fail(beforeSnapshot.code, beforeSnapshot.message);
  const document = buildSnapshotDocument(parsed.value.frontMatterText, parsed.value.metadata, body);
  await yieldToEventLoop();
  return ok({
    kind: 'fetched',
    raw: page.bytes,
    contentType: page.contentType,
    finalUrl: page.finalUrl,
    etag: page.etag,
    lastModified: page.lastModified,
    includeUrls,
    document,
    hash: hashSnapshot(document.text),
  });
}
