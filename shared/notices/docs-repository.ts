import { fail, ok, type Result } from '../common/result';
import type { NoticeConfig } from '../config/types';
import { PUBLISH_CONFIG_FILE, type PublishConfig, repositoryFolder } from './docs-publishing';

/**
 * How a Microsoft Docs build sees a notice's repository, and where each include path leads.
 *
 * DocFX resolves includes in one file tree: the repository, with each dependent repository mounted
 * at its `path_to_root`. `~/` is the root of the docset that holds the notice. Paths are resolved in
 * that tree here too, and only then mapped to a URL: the repository's own files under its root URL,
 * a dependent repository's files under that repository's folder on the same raw file host
 * (`<origin>/OWNER/REPO/BRANCH/`), or where the notice's configuration says.
 */
export interface DocsRepository {
  /** The repository root at the watched branch, ending in `/`. */
  readonly root: string;
  /** The notice's repository path, decoded. */
  readonly noticePath: string;
  /** The docset root `~/` stands for, as a repository path ('' for the root); null when unknown. */
  readonly docsetRoot: string | null;
  /** Why `docsetRoot` is null, for the message that says what to configure. */
  readonly docsetUnknownBecause: string;
  readonly dependents: DependentRepository[];
}

export interface DependentRepository {
  /** Folder the repository is mounted at, as a repository path. */
  readonly pathToRoot: string;
  /** URLs of that folder's contents, ending in `/`, tried in order (the declared repository, then its public mirror). */
  readonly bases: string[];
  /** Why `bases` is empty, for the message that says what to configure. */
  readonly unplacedBecause: string;
}

/** Where an include path leads: `urls` are tried in order while they answer 404. */
export interface IncludeTarget {
  /** Identity of the file, for cycles and reuse: its first URL. */
  readonly key: string;
  readonly urls: string[];
  /** The file's path in the build's tree (decoded), when it lies in the notice's repository or a dependent one. */
  readonly repositoryPath: string | null;
}

/** The file an include directive was found in; `repositoryPath` as in IncludeTarget. */
export interface IncludeSource {
  readonly url: string;
  readonly repositoryPath: string | null;
}

/** The raw-host layout of a repository root: `<hostBase>OWNER/REPO/BRANCH/` (or `…/OWNER/REPO/refs/heads/BRANCH/`). */
function rawLayout(root: string): { hostBase: string; branch: string } | null {
  const url = new URL(root);
  const segments = url.pathname.split('/').slice(1, -1);
  const count = segments.length;
  const refForm = count >= 5 && segments[count - 3] === 'refs' && ['heads', 'tags'].includes(segments[count - 2]);
  const ownerIndex = refForm ? count - 5 : count - 3;
  if (ownerIndex < 0) return null;
  const prefix = segments.slice(0, ownerIndex).join('/');
  return { hostBase: `${url.origin}/${prefix ? `${prefix}/` : ''}`, branch: decodeURIComponent(segments[count - 1]) };
}

/** `https://github.com/OWNER/REPO` (optionally `.git`, trailing `/`) -> owner and repository name. */
function gitHubRepository(url: string): { owner: string; name: string } | null {
  const match = /^https?:\/\/(?:www\.)?github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/i.exec(
    url.trim(),
  );
  return match ? { owner: match[1], name: match[2] } : null;
}

/** The repository path (decoded) of a URL under `root`, without query or fragment; null outside it. */
export function repositoryPathOf(url: string, root: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL: not in any repository.
    return null;
  }
  parsed.search = '';
  parsed.hash = '';
  return parsed.href.startsWith(root) && parsed.href.length > root.length
    ? decodePath(parsed.href.slice(root.length))
    : null;
}

/**
 * The build's view of the notice's repository, from its publishing config (null: the file does
 * not exist) and the notice's own `docsetRoot` and `dependentRepositories`, which take precedence.
 */
export function describeDocsRepository(
  notice: Pick<NoticeConfig, 'docsetRoot' | 'dependentRepositories'>,
  root: string,
  noticeUrl: string,
  config: PublishConfig | null,
): DocsRepository {
  const configUrl = `${root}${PUBLISH_CONFIG_FILE}`;
  const noticePath = repositoryPathOf(noticeUrl, root) ?? '';

  let docsetRoot: string | null = null;
  let docsetUnknownBecause = '';
  if (notice.docsetRoot !== undefined) {
    docsetRoot = repositoryFolder(notice.docsetRoot);
    if (docsetRoot === null)
      docsetUnknownBecause = `the notice's docsetRoot "${notice.docsetRoot}" leaves the repository`;
  } else if (!config) {
    docsetUnknownBecause = `${configUrl} does not exist`;
  } else {
    // The docset whose folder holds the notice; the deepest one if folders nest.
    for (const folder of config.docsetFolders) {
      const holds = folder === '' || noticePath.startsWith(`${folder}/`);
      if (holds && (docsetRoot === null || folder.length > docsetRoot.length)) docsetRoot = folder;
    }
    if (docsetRoot === null)
      docsetUnknownBecause = `no docset in ${configUrl} (docsets_to_publish[].build_source_folder) holds ${noticePath}`;
  }

  const layout = rawLayout(root);
  const dependents = new Map<string, DependentRepository>();
  for (const declared of config?.dependentRepositories ?? []) {
    const repository = gitHubRepository(declared.url);
    const mapped =
      layout && Object.hasOwn(declared.branchMapping, layout.branch) ? declared.branchMapping[layout.branch] : null;
    const branch = mapped ?? declared.branch;
    let unplacedBecause = '';
    const bases: string[] = [];
    if (!repository) unplacedBecause = `its url "${declared.url.slice(0, 200)}" is not https://github.com/OWNER/REPO`;
    else if (!branch) unplacedBecause = `it names no branch`;
    else if (!layout) unplacedBecause = `the repository root ${root} is not laid out as <host>/OWNER/REPO/BRANCH/`;
    else {
      const place = (name: string) =>
        `${layout.hostBase}${encodeURIComponent(repository.owner)}/${encodeURIComponent(name)}/${branch.split('/').map(encodeURIComponent).join('/')}/`;
      bases.push(place(repository.name));
      // Microsoft's configurations often name the private authoring repository; its public mirror drops "-pr".
      if (/-pr$/i.test(repository.name)) bases.push(place(repository.name.slice(0, -3)));
    }
    dependents.set(declared.pathToRoot, { pathToRoot: declared.pathToRoot, bases, unplacedBecause });
  }
  for (const [folder, base] of Object.entries(notice.dependentRepositories ?? {})) {
    const pathToRoot = repositoryFolder(folder) ?? folder;
    dependents.set(pathToRoot, { pathToRoot, bases: [base], unplacedBecause: '' });
  }
  return { root, noticePath, docsetRoot, docsetUnknownBecause, dependents: [...dependents.values()] };
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    // A malformed escape stays as written; it then matches no folder.
    return path;
  }
}

/** `.`, `..` and their percent-encoded forms, which URL resolution treats alike. */
function segmentKind(segment: string): 'dot' | 'dotdot' | null {
  const lower = segment.toLowerCase();
  if (lower === '.' || lower === '%2e') return 'dot';
  if (lower === '..' || lower === '.%2e' || lower === '%2e.' || lower === '%2e%2e') return 'dotdot';
  return null;
}

/** Joins a relative path onto a folder of the tree; null when it climbs above the repository root. */
function joinInTree(folder: string, relative: string): string | null {
  const segments: string[] = [];
  for (const segment of [...folder.split('/'), ...relative.split('/')]) {
    const kind = segmentKind(segment);
    if (segment === '' || kind === 'dot') continue;
    if (kind === 'dotdot') {
      if (segments.length === 0) return null;
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  return segments.join('/');
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/** True for `https:`, `mailto:`, `C:`…: a path that is not relative. */
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Where an include path leads, or why it may not be followed.
 *
 * - `~/…`: from the docset root; INCLUDE_DOCSET_UNKNOWN when the notice has no known repository or
 *   no docset holds it (never a guessed URL).
 * - A relative path in a file of the build's tree: resolved in that tree. Into a folder a dependent
 *   repository is mounted at, it is read from that repository (INCLUDE_DOCSET_UNKNOWN if it cannot
 *   be placed); above the repository root it is INCLUDE_OUTSIDE_SITE.
 * - Anything else (absolute and root-relative paths, files outside the tree, notices without a
 *   repository): resolved against the file's URL, and only followed on the notice's own origin.
 */
export function locateInclude(
  path: string,
  from: IncludeSource,
  siteOrigin: string,
  repository: DocsRepository | null,
): Result<IncludeTarget> {
  const cleaned = path.replace(/\\/g, '/').replace(/[?#].*$/s, '');
  if (cleaned.startsWith('~/')) {
    if (!repository) {
      return fail(
        'INCLUDE_DOCSET_UNKNOWN',
        `The include "${path}" in ${from.url} starts at the DocFX docset root (~/), which is unknown: the notice's repository root is not known. Set repositoryRoot on the notice (the URL of the repository root at the watched branch, ending in "/"; derived only for raw.githubusercontent.com), and docsetRoot if the repository has no ${PUBLISH_CONFIG_FILE}.`,
      );
    }
    if (repository.docsetRoot === null) {
      return fail(
        'INCLUDE_DOCSET_UNKNOWN',
        `The include "${path}" in ${from.url} starts at the DocFX docset root (~/), which is unknown: ${repository.docsetUnknownBecause}. Set docsetRoot on the notice (the repository path of the docset's folder, for example "docs").`,
      );
    }
    return locateInTree(path, joinInTree(repository.docsetRoot, cleaned.slice(2)), from, repository);
  }
  if (repository && from.repositoryPath !== null && !HAS_SCHEME.test(cleaned) && !cleaned.startsWith('/')) {
    return locateInTree(path, joinInTree(folderOf(from.repositoryPath), cleaned), from, repository);
  }
  const url = resolveIncludeUrl(path, from.url, siteOrigin);
  if (!url.ok) return url;
  return ok({
    key: url.value,
    urls: [url.value],
    repositoryPath: repository ? repositoryPathOf(url.value, repository.root) : null,
  });
}

function locateInTree(
  path: string,
  treePath: string | null,
  from: IncludeSource,
  repository: DocsRepository,
): Result<IncludeTarget> {
  if (treePath === null || treePath === '') {
    return fail(
      'INCLUDE_OUTSIDE_SITE',
      `The include "${path}" in ${from.url} leads above the repository root ${repository.root}; only the repository and the dependent repositories its publishing configuration declares are read.`,
    );
  }
  let mount: DependentRepository | null = null;
  for (const dependent of repository.dependents) {
    const inside = treePath === dependent.pathToRoot || treePath.startsWith(`${dependent.pathToRoot}/`);
    if (inside && (!mount || dependent.pathToRoot.length > mount.pathToRoot.length)) mount = dependent;
  }
  const bases = mount ? mount.bases : [repository.root];
  const rest = mount ? treePath.slice(mount.pathToRoot.length + 1) : treePath;
  if (mount && bases.length === 0) {
    return fail(
      'INCLUDE_DOCSET_UNKNOWN',
      `The include "${path}" in ${from.url} is in ${mount.pathToRoot}/, where the publishing configuration mounts a dependent repository that cannot be placed: ${mount.unplacedBecause}. Set dependentRepositories on the notice: { "${mount.pathToRoot}": "<URL of that folder's contents, ending in />" }.`,
    );
  }
  if (rest === '') {
    return fail('INCLUDE_INVALID', `The include "${path}" in ${from.url} names a folder, not a file.`);
  }
  const urls: string[] = [];
  for (const base of bases) {
    // "./" keeps a first segment such as "c:" from reading as a scheme; no "." or ".." segments remain.
    const url = new URL(`./${rest.replace(/[?#]/g, encodeURIComponent)}`, base);
    if (!url.href.startsWith(base)) {
      return fail('INCLUDE_INVALID', `The include "${path}" in ${from.url} is not a valid repository path.`);
    }
    urls.push(url.href);
  }
  return ok({ key: urls[0], urls, repositoryPath: treePath });
}

/** The location policy for URL-relative includes: http(s) on the notice's own origin only. */
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
      `The include "${path}" in ${fileUrl} points to ${url.origin}; only includes on the notice's own site ${siteOrigin} (and the dependent repositories its publishing configuration declares) are fetched.`,
    );
  }
  url.hash = '';
  return ok(url.href);
}
