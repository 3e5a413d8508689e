import { fail, ok, type Problem, type Result } from '../common/result';
import { splitFrontMatter } from './front-matter';
import { findIncludeDirectives } from './include-directives';
import { toLf } from './normalise-text';

export { findIncludeDirectives, type IncludeDirective } from './include-directives';

export interface IncludeOptions {
  /** Nesting levels allowed: an include directly in the notice is level 1 (default 5). */
  maxDepth?: number;
  /** Include directives resolved in total, repeats counted (default 50). */
  maxIncludes?: number;
}

/** Fetches one include's markdown. Failures are passed through with the include named. */
export type IncludeFetcher = (url: string) => Promise<Result<string>>;

export const DEFAULT_INCLUDE_OPTIONS: Readonly<Required<IncludeOptions>> = Object.freeze({
  maxDepth: 5,
  maxIncludes: 50,
});

/**
 * Replaces every include directive outside code with the include's body (its own front matter
 * stripped), recursively, relative to the URL of the file containing the directive.
 *
 * Location policy: an include must resolve to http(s) on the same origin as `baseUrl` (the
 * notice's final URL). Relative paths, `../` and root-relative paths are fine while they stay on
 * that origin; other hosts, ports, schemes (`file:`, `data:`...) are INCLUDE_OUTSIDE_SITE, because
 * a notice must not make us fetch arbitrary URLs nor splice in text its publisher does not control.
 *
 * Any failure fails the whole resolution (no partial text): INCLUDE_OUTSIDE_SITE, INCLUDE_INVALID,
 * INCLUDE_CYCLE, INCLUDE_TOO_DEEP, INCLUDE_LIMIT, FRONT_MATTER_INVALID, or the fetcher's own code
 * with the include and the file referencing it named in the message.
 * `includeUrls` lists each include once, in order of first use.
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
  };
  let origin: string;
  try {
    origin = new URL(baseUrl).origin;
  } catch {
    // Unparseable base: reported below with the value itself.
    return fail('INVALID_URL', `Cannot resolve includes relative to "${baseUrl}": not an absolute URL.`);
  }
  const state: ExpandState = { origin, limits, fetcher, count: 0, cache: new Map(), order: [] };
  const expanded = await expand(body, stripHash(baseUrl), [stripHash(baseUrl)], state);
  if (!expanded.ok) return expanded;
  return ok({ body: expanded.value, includeUrls: state.order });
}

interface ExpandState {
  origin: string;
  limits: Required<IncludeOptions>;
  fetcher: IncludeFetcher;
  count: number;
  /** Fetched include text by URL: a file included twice (not cyclically) is fetched once. */
  cache: Map<string, string>;
  order: string[];
}

async function expand(text: string, fileUrl: string, chain: string[], state: ExpandState): Promise<Result<string>> {
  const directives = findIncludeDirectives(text);
  if (directives.length === 0) return ok(text);
  const depth = chain.length; // Level of the includes found in this file.

  let out = '';
  let cursor = 0;
  for (const directive of directives) {
    const target = resolveIncludeUrl(directive.path, fileUrl, state.origin);
    if (!target.ok) return target;
    const url = target.value;

    if (chain.includes(url)) {
      return fail('INCLUDE_CYCLE', `Include cycle: ${[...chain, url].join(' -> ')}.`);
    }
    if (depth > state.limits.maxDepth) {
      return fail(
        'INCLUDE_TOO_DEEP',
        `Includes are nested more than ${state.limits.maxDepth} levels deep: ${[...chain, url].join(' -> ')}.`,
      );
    }
    state.count += 1;
    if (state.count > state.limits.maxIncludes) {
      return fail(
        'INCLUDE_LIMIT',
        `The notice uses more than ${state.limits.maxIncludes} includes (limit reached at ${url} in ${fileUrl}).`,
      );
    }

    let content = state.cache.get(url);
    if (content === undefined) {
      const fetched = await state.fetcher(url);
      if (!fetched.ok) return { ok: false, problem: includeProblem(fetched.problem, url, fileUrl) };
      content = fetched.value;
      state.cache.set(url, content);
      state.order.push(url);
    }

    const split = splitFrontMatter(toLf(content), `include ${url}`);
    if (!split.ok) return split;
    const inner = await expand(split.value.body, url, [...chain, url], state);
    if (!inner.ok) return inner;

    out += text.slice(cursor, directive.start) + inner.value.replace(/^\n+|\n+$/g, '');
    cursor = directive.end;
  }
  return ok(out + text.slice(cursor));
}

function includeProblem(problem: Problem, url: string, fromUrl: string): Problem {
  return {
    code: problem.code,
    message: `Include ${url} (referenced from ${fromUrl}) could not be used: ${problem.message}`,
  };
}

/** Applies the location policy documented on resolveIncludes. */
export function resolveIncludeUrl(path: string, fileUrl: string, siteOrigin: string): Result<string> {
  let url: URL;
  try {
    url = new URL(path, fileUrl);
  } catch {
    // Unparseable path: the message carries it.
    return fail('INCLUDE_INVALID', `The include path "${path}" in ${fileUrl} is not a valid URL or path.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail(
      'INCLUDE_OUTSIDE_SITE',
      `The include "${path}" in ${fileUrl} uses the ${url.protocol} scheme; only http(s) includes on ${siteOrigin} are fetched.`,
    );
  }
  if (url.origin !== siteOrigin) {
    return fail(
      'INCLUDE_OUTSIDE_SITE',
      `The include "${path}" in ${fileUrl} points to ${url.origin}; only includes on the notice's own site ${siteOrigin} are fetched.`,
    );
  }
  url.hash = '';
  return ok(url.href);
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
