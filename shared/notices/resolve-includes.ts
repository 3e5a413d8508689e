import { fail, ok, type Problem, type Result } from '../common/result';
import { type DocsRepository, type IncludeSource, type IncludeTarget, locateInclude } from './docs-repository';
import { splitFrontMatter } from './front-matter';
import { findIncludeDirectives, type IncludeDirective } from './include-directives';
import { toLf } from './normalise-text';

export { findIncludeDirectives, type IncludeDirective } from './include-directives';

export interface IncludeOptions {
  /** Nesting levels allowed: an include directly in the notice is level 1 (default 5). */
  maxDepth?: number;
  /** Distinct include files allowed; a file used many times counts once (default 50). */
  maxIncludes?: number;
  /**
   * Characters the expanded notice may have (default 10 MiB, twice the body cap): bounds a file
   * used very often and includes that multiply each other, where counting files would not.
   */
  maxExpandedLength?: number;
  /**
   * The notice's repository as the Microsoft Docs build sees it, for `~/` paths and dependent
   * repositories; asked for once, and only when the notice has includes. Null or absent: includes
   * are resolved against URLs alone.
   */
  repository?: () => Promise<Result<DocsRepository | null>>;
}

/**
 * Fetches one include's markdown. With `missingIsOutcome`, a file the server says does not exist
 * is `ok(null)` (another place may be tried); otherwise that is a failure like any other.
 */
export type IncludeFetcher = (url: string, options?: { missingIsOutcome?: boolean }) => Promise<Result<string | null>>;

export const DEFAULT_INCLUDE_OPTIONS = Object.freeze({
  maxDepth: 5,
  maxIncludes: 50,
  maxExpandedLength: 10 * 1024 * 1024,
});

/**
 * Replaces every include directive outside code with the include's body (its own front matter
 * stripped), recursively.
 *
 * Where a path leads is decided by locateInclude: for a notice whose repository is known, in the
 * tree the Microsoft Docs build sees (`~/` paths, dependent repositories, with a `-pr`
 * repository's public mirror tried when it answers 404); otherwise relative to the URL of the file
 * holding the directive, on the notice's own origin only (INCLUDE_OUTSIDE_SITE elsewhere), because
 * a notice must not make us fetch arbitrary URLs nor splice in text its publisher does not control.
 *
 * Any failure fails the whole resolution (no partial text): INCLUDE_OUTSIDE_SITE, INCLUDE_INVALID,
 * INCLUDE_DOCSET_UNKNOWN, INCLUDE_CYCLE, INCLUDE_TOO_DEEP, INCLUDE_LIMIT, FRONT_MATTER_INVALID, a
 * publishing file's own code, or the fetcher's own code with the include and the file referencing
 * it named in the message. `includeUrls` lists the URLs actually read, once each, in order of first use.
 *
 * Each file is fetched and expanded once, however often it is used, so the work is bounded by the
 * distinct files and the expanded length, not by how the directives multiply.
 */
export async function resolveIncludes(
  body: string,
  baseUrl: string,
  fetcher: IncludeFetcher,
  options: IncludeOptions = {},
): Promise<Result<{ body: string; includeUrls: string[] }>> {
  const limits = {
    maxDepth: options.maxDepth ?? DEFAULT_INCLUDE_OPTIONS.maxDepth,
    maxIncludes: options.maxIncludes ?? DEFAULT_INCLUDE_OPTIONS.maxIncludes,
    maxExpandedLength: options.maxExpandedLength ?? DEFAULT_INCLUDE_OPTIONS.maxExpandedLength,
  };
  let origin: string;
  try {
    origin = new URL(baseUrl).origin;
  } catch {
    // Unparseable base: reported below with the value itself.
    return fail('URL_INVALID', `Cannot resolve includes relative to "${baseUrl}": not an absolute URL.`);
  }
  const directives = findIncludeDirectives(body);
  if (directives.length === 0) return ok({ body, includeUrls: [] });

  let repository: DocsRepository | null = null;
  if (options.repository) {
    const loaded = await options.repository();
    if (!loaded.ok) return loaded;
    repository = loaded.value;
  }
  const notice: IncludeSource = {
    url: stripHash(baseUrl),
    repositoryPath: repository ? repository.noticePath || null : null,
  };
  const state: ExpandState = { origin, limits, fetcher, repository, fetched: new Map(), expanded: new Map() };
  const expanded = await expand(body, notice, [notice.url], state, directives);
  if (!expanded.ok) return expanded;
  return ok({ body: expanded.value.text, includeUrls: [...state.fetched.values()].map((file) => file.url) });
}

interface ExpandState {
  origin: string;
  limits: Required<Omit<IncludeOptions, 'repository'>>;
  fetcher: IncludeFetcher;
  repository: DocsRepository | null;
  /** Fetched files by key, in order of first use, with the URL each was actually read from. */
  fetched: Map<string, { text: string; url: string }>;
  /** Expanded files by key: a file used again is spliced in without being expanded again. */
  expanded: Map<string, Expansion>;
}

interface Expansion {
  text: string;
  /** Levels of includes this expansion spans: 1 for a file without includes. */
  height: number;
  /** Keys of every file inside it, itself included: reusing it under a chain holding one of them would be a cycle. */
  files: Set<string>;
}

async function expand(
  text: string,
  file: IncludeSource,
  chain: string[],
  state: ExpandState,
  found?: IncludeDirective[],
): Promise<Result<{ text: string; height: number; files: Set<string> }>> {
  const directives = found ?? findIncludeDirectives(text);
  const files = new Set<string>();
  if (directives.length === 0) return ok({ text, height: 0, files });
  const level = chain.length; // Level of the includes found in this file.

  const parts: string[] = [];
  let length = 0;
  let height = 0;
  let cursor = 0;
  const append = (piece: string): Result<void> => {
    length += piece.length;
    if (length > state.limits.maxExpandedLength) {
      return fail(
        'INCLUDE_LIMIT',
        `The notice expands to more than ${state.limits.maxExpandedLength} characters with its includes (limit reached in ${file.url}); its includes repeat or multiply too much.`,
      );
    }
    parts.push(piece);
    return ok(undefined);
  };
  for (const directive of directives) {
    const located = locateInclude(directive.path, file, state.origin, state.repository);
    if (!located.ok) return located;
    const target = located.value;

    if (chain.includes(target.key)) {
      return fail('INCLUDE_CYCLE', `Include cycle: ${[...chain, target.key].join(' -> ')}.`);
    }
    if (level > state.limits.maxDepth) {
      return fail(
        'INCLUDE_TOO_DEEP',
        `Includes are nested more than ${state.limits.maxDepth} levels deep: ${[...chain, target.key].join(' -> ')}.`,
      );
    }

    let expansion = state.expanded.get(target.key);
    // An expansion made under another chain is reused only where it cannot hide a cycle or a
    // depth past the limit; otherwise the file is expanded again here, which reports either.
    const reusable =
      expansion !== undefined &&
      level + expansion.height - 1 <= state.limits.maxDepth &&
      !chain.some((key) => expansion!.files.has(key));
    if (!expansion || !reusable) {
      const content = await fetchTarget(target, file, state);
      if (!content.ok) return content;
      const split = splitFrontMatter(toLf(content.value.text), `include ${content.value.url}`);
      if (!split.ok) return split;
      const inner = await expand(
        split.value.body,
        { url: content.value.url, repositoryPath: target.repositoryPath },
        [...chain, target.key],
        state,
      );
      if (!inner.ok) return inner;
      expansion = {
        text: trimNewlines(inner.value.text),
        height: inner.value.height + 1,
        files: new Set([target.key, ...inner.value.files]),
      };
      state.expanded.set(target.key, expansion);
    }

    const before = append(text.slice(cursor, directive.start));
    if (!before.ok) return before;
    const spliced = append(expansion.text);
    if (!spliced.ok) return spliced;
    cursor = directive.end;
    height = Math.max(height, expansion.height);
    if (!files.has(target.key)) for (const key of expansion.files) files.add(key);
  }
  const rest = append(text.slice(cursor));
  if (!rest.ok) return rest;
  return ok({ text: parts.join(''), height, files });
}

/**
 * The include's text, fetched once per key: from its first URL, or from the next while they
 * answer 404 (a `-pr` repository's public mirror). Counts distinct files against the limit.
 */
async function fetchTarget(
  target: IncludeTarget,
  from: IncludeSource,
  state: ExpandState,
): Promise<Result<{ text: string; url: string }>> {
  const cached = state.fetched.get(target.key);
  if (cached) return ok(cached);
  if (state.fetched.size >= state.limits.maxIncludes) {
    return fail(
      'INCLUDE_LIMIT',
      `The notice uses more than ${state.limits.maxIncludes} distinct include files (limit reached at ${target.key} in ${from.url}).`,
    );
  }
  const missing: string[] = [];
  for (const [index, url] of target.urls.entries()) {
    const last = index === target.urls.length - 1;
    const fetched = await state.fetcher(url, { missingIsOutcome: !last });
    if (!fetched.ok) return { ok: false, problem: includeProblem(fetched.problem, url, from.url, missing) };
    if (fetched.value === null) {
      missing.push(url);
      continue;
    }
    const file = { text: fetched.value, url };
    state.fetched.set(target.key, file);
    return ok(file);
  }
  // Only reachable with a fetcher that answers null to a request that did not allow it.
  return fail('HTTP_STATUS', `Include ${target.key} (referenced from ${from.url}) does not exist.`);
}

function includeProblem(problem: Problem, url: string, fromUrl: string, missingBefore: string[]): Problem {
  const tried = missingBefore.length ? ` (after ${missingBefore.join(', ')} answered 404)` : '';
  return {
    code: problem.code,
    message: `Include ${url}${tried} (referenced from ${fromUrl}) could not be used: ${problem.message}`,
  };
}

/** Leading and trailing newlines removed, by index: a pattern such as /\n+$/ is quadratic on long runs of newlines. */
function trimNewlines(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 0x0a) start += 1;
  while (end > start && text.charCodeAt(end - 1) === 0x0a) end -= 1;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function stripHash(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    return parsed.href;
  } catch {
    // Left as given; resolveIncludes has already reported an unparseable base URL.
    return url;
  }
}
