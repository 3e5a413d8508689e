import { fail, ok, type Problem, type Result } from '../common/result';
import { yieldToEventLoop } from '../common/yield-to-event-loop';
import { repositoryRootOf } from '../config/repository-root';
import type { NoticeConfig } from '../config/types';
import { REDIRECTION_FILE, type RepositoryFileFetcher, RepositoryFiles } from './docs-publishing';
import { describeDocsRepository, type DocsRepository, repositoryPathOf } from './docs-repository';
import { type ConditionalValidators, type FetchOptions, fetchResource } from './fetch-resource';
import { parseNoticeInSlices } from './parse-notice';
import { resolveIncludes } from './resolve-includes';
import { buildSnapshotDocument, hashSnapshot, type SnapshotDocument } from './snapshot-document';

export interface AcquireOptions extends FetchOptions {
  /** Validators of the last good snapshot; a 304 then yields `not-modified`. Never sent for includes. */
  conditional?: ConditionalValidators;
  /** Include nesting levels allowed (default 5). */
  maxIncludeDepth?: number;
  /** Distinct include files allowed (default 50). */
  maxIncludes?: number;
  /**
   * Publishing files already read in this run (one per run, shared by its checks); a fresh one
   * by default, so the acquisition stays self-contained.
   */
  repositoryFiles?: RepositoryFiles;
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
 *
 * When the notice's repository root is known (repositoryRootOf), its publishing files are read as
 * the Microsoft Docs build reads them: `.openpublishing.publish.config.json` for `~/` paths and
 * dependent repositories (only when the notice has includes), and `.openpublishing.redirection.json`
 * when the notice answers 404, so that a recorded move is reported as NOTICE_MOVED, never followed.
 */
export async function acquireNotice(notice: NoticeConfig, options: AcquireOptions = {}): Promise<Result<Acquisition>> {
  const { conditional, maxIncludeDepth, maxIncludes, repositoryFiles, ...callerOptions } = options;
  // The watchlist URL's host is operator configuration; every other host a redirect or include leads to must be public.
  const fetchOptions = {
    ...callerOptions,
    // An unparseable URL leaves it unset: fetchResource then reports URL_INVALID.
    trustedHost: URL.canParse(notice.url) ? new URL(notice.url).host : undefined,
    allowPrivateRedirects: notice.allowPrivateRedirects === true,
  };
  const root = repositoryRootOf(notice);
  const files = repositoryFiles ?? new RepositoryFiles();
  const fetched = await fetchResource(notice.url, { ...fetchOptions, conditional, missingIsOutcome: root !== null });
  if (!fetched.ok) return fetched;
  if (fetched.value.kind === 'not-modified') return ok({ kind: 'not-modified' });
  if (fetched.value.kind === 'missing') {
    return { ok: false, problem: await explainMissing(notice, root!, fetched.value.problem, files, fetchOptions) };
  }
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
    const resolved = await resolveIncludes(
      body,
      page.finalUrl,
      async (url, { missingIsOutcome } = {}) => {
        // Same limits as the notice itself, but never conditional: an include's 304 has no text to inline.
        // Redirects are held to the include's own site (the notice's, or a dependent repository's
        // configured on the notice) before they are followed, so an include cannot make us contact another host.
        const include = await fetchResource(url, {
          ...fetchOptions,
          sameOrigin: new URL(url).origin,
          missingIsOutcome,
        });
        if (!include.ok) {
          return include.problem.code === 'REDIRECT_OFF_SITE'
            ? fail('INCLUDE_OUTSIDE_SITE', include.problem.message)
            : include;
        }
        if (include.value.kind === 'missing') return ok(null);
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
      {
        maxDepth: maxIncludeDepth,
        maxIncludes,
        repository: root ? () => docsRepositoryOf(notice, root, page.finalUrl, files, fetchOptions) : undefined,
      },
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

/** Reads a publishing file under the same rules as the notice (timeouts, caps, redirects kept on its site). */
function repositoryFileFetcher(fetchOptions: FetchOptions & { signal?: AbortSignal }): RepositoryFileFetcher {
  return async (url) => {
    const fetched = await fetchResource(url, {
      ...fetchOptions,
      sameOrigin: new URL(url).origin,
      missingIsOutcome: true,
    });
    if (!fetched.ok) return fetched;
    if (fetched.value.kind === 'missing') return ok(null);
    if (fetched.value.kind === 'not-modified') {
      return fail('UNEXPECTED_NOT_MODIFIED', `${url} answered 304 Not Modified to an unconditional request.`);
    }
    return ok(fetched.value.text);
  };
}

/**
 * The build's view of the notice's repository. The publishing config is not read when the notice
 * itself says everything it would tell (docsetRoot and dependentRepositories both set).
 */
async function docsRepositoryOf(
  notice: NoticeConfig,
  root: string,
  noticeUrl: string,
  files: RepositoryFiles,
  fetchOptions: FetchOptions & { signal?: AbortSignal },
): Promise<Result<DocsRepository>> {
  // A notice redirected out of its repository is still placed by its configured URL.
  const url = repositoryPathOf(noticeUrl, root) !== null ? noticeUrl : notice.url;
  if (notice.docsetRoot !== undefined && notice.dependentRepositories !== undefined) {
    return ok(describeDocsRepository(notice, root, url, null));
  }
  const config = await files.publishConfig(root, repositoryFileFetcher(fetchOptions));
  if (!config.ok) return config;
  return ok(describeDocsRepository(notice, root, url, config.value));
}

/**
 * A notice that answers 404: NOTICE_MOVED when the repository's redirection file records where it
 * went (the watchlist must be updated by a person; the move is never followed), else the 404 itself.
 */
async function explainMissing(
  notice: NoticeConfig,
  root: string,
  notFound: Problem,
  files: RepositoryFiles,
  fetchOptions: FetchOptions & { signal?: AbortSignal },
): Promise<Problem> {
  const path = repositoryPathOf(notice.url, root);
  if (path === null) return notFound;
  const redirections = await files.redirections(root, repositoryFileFetcher(fetchOptions));
  if (!redirections.ok) {
    return {
      code: notFound.code,
      message: `${notFound.message} Whether it moved could not be read: ${redirections.problem.message}`,
    };
  }
  const wanted = path.toLowerCase();
  const move = redirections.value?.find(
    (entry) =>
      entry.sourcePath
        .replace(/\\/g, '/')
        .replace(/^\.?\//, '')
        .toLowerCase() === wanted,
  );
  if (!move) return notFound;
  return {
    code: 'NOTICE_MOVED',
    message: `${notice.url} answered HTTP 404, and ${root}${REDIRECTION_FILE} records that ${path} moved to ${move.redirectUrl}. Update the notice in the watchlist to its new source (noticewatch never follows a move by itself).`,
  };
}
