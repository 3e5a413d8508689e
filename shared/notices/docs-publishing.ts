import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

import { fail, ok, type Result } from '../common/result';

/**
 * The publishing files of a Microsoft Docs repository, at its root: which folders are docsets
 * (DocFX `~/` is the docset root), which other repositories are mounted into the build and where,
 * and which files moved. Fetched hostile input like everything else: parsed leniently (only the
 * fields noticewatch uses are checked) and refused, naming the file, when those are malformed.
 */

export const PUBLISH_CONFIG_FILE = '.openpublishing.publish.config.json';
export const REDIRECTION_FILE = '.openpublishing.redirection.json';

export interface PublishConfig {
  /** `docsets_to_publish[].build_source_folder`, as repository paths ('' for the repository root). */
  readonly docsetFolders: string[];
  readonly dependentRepositories: DeclaredDependency[];
}

/** One `dependent_repositories[]` entry. */
export interface DeclaredDependency {
  /** Folder the repository is mounted at, as a repository path. */
  readonly pathToRoot: string;
  /** `https://github.com/OWNER/REPO`, as declared. */
  readonly url: string;
  readonly branch: string | null;
  readonly branchMapping: Readonly<Record<string, string>>;
}

/** One recorded move: `source_path` (a repository path) now lives at `redirect_url`. */
export interface Redirection {
  readonly sourcePath: string;
  readonly redirectUrl: string;
}

const PUBLISH_CONFIG_SCHEMA = {
  type: 'object',
  properties: {
    docsets_to_publish: {
      type: 'array',
      items: { type: 'object', properties: { build_source_folder: { type: 'string' } } },
    },
    dependent_repositories: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path_to_root', 'url'],
        properties: {
          path_to_root: { type: 'string', minLength: 1 },
          url: { type: 'string', minLength: 1 },
          branch: { type: 'string' },
          branch_mapping: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  },
} as const;

const REDIRECTION_SCHEMA = {
  type: 'object',
  required: ['redirections'],
  properties: {
    redirections: {
      type: 'array',
      items: {
        type: 'object',
        required: ['source_path', 'redirect_url'],
        properties: { source_path: { type: 'string' }, redirect_url: { type: 'string' } },
      },
    },
  },
} as const;

let validators: { publishConfig: ValidateFunction; redirection: ValidateFunction } | null = null;

function fileValidators() {
  if (!validators) {
    const ajv = new Ajv({ allErrors: false, strict: false });
    validators = { publishConfig: ajv.compile(PUBLISH_CONFIG_SCHEMA), redirection: ajv.compile(REDIRECTION_SCHEMA) };
  }
  return validators;
}

function describeFirstError(errors: ErrorObject[] | null | undefined): string {
  const error = errors?.[0];
  if (!error) return 'unexpected shape';
  const where = error.instancePath ? error.instancePath.slice(1).replace(/\//g, '.') : 'the document';
  if (error.keyword === 'required') return `${where} lacks "${String(error.params.missingProperty)}"`;
  return `${where} ${error.message ?? 'is invalid'}`;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (error) {
    // The parser's message says where the JSON breaks; the caller names the file.
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A folder of a publishing file as a repository path: `/`-separated, no leading `./` or `/`, no
 * trailing `/`; '' for the repository root. Null when it leaves the repository (`..`).
 */
export function repositoryFolder(raw: string): string | null {
  const segments: string[] = [];
  for (const segment of raw.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return null;
    segments.push(segment);
  }
  return segments.join('/');
}

/** Parses `.openpublishing.publish.config.json`; PUBLISH_CONFIG_INVALID names the file. */
export function parsePublishConfig(text: string, url: string): Result<PublishConfig> {
  const invalid = (detail: string) =>
    fail<PublishConfig>(
      'PUBLISH_CONFIG_INVALID',
      `${url} is not a usable publishing configuration (${detail.slice(0, 300)}); it tells where DocFX "~/" paths and dependent repositories lead. Fix the file, or set docsetRoot and dependentRepositories on the notice.`,
    );
  const parsed = parseJson(text);
  if (!parsed.ok) return invalid(`not JSON: ${parsed.message}`);
  const validate = fileValidators().publishConfig;
  if (!validate(parsed.value)) return invalid(describeFirstError(validate.errors));
  const document = parsed.value as {
    docsets_to_publish?: Array<{ build_source_folder?: string }>;
    dependent_repositories?: Array<{
      path_to_root: string;
      url: string;
      branch?: string;
      branch_mapping?: Record<string, string>;
    }>;
  };
  const docsetFolders: string[] = [];
  for (const [index, docset] of (document.docsets_to_publish ?? []).entries()) {
    // A docset without a source folder names no folder that could hold the notice.
    if (docset.build_source_folder === undefined) continue;
    const folder = repositoryFolder(docset.build_source_folder);
    if (folder === null) return invalid(`docsets_to_publish.${index}.build_source_folder leaves the repository`);
    docsetFolders.push(folder);
  }
  const dependentRepositories: DeclaredDependency[] = [];
  for (const [index, dependency] of (document.dependent_repositories ?? []).entries()) {
    const folder = repositoryFolder(dependency.path_to_root);
    if (folder === null || folder === '')
      return invalid(`dependent_repositories.${index}.path_to_root "${dependency.path_to_root}" is not a folder`);
    dependentRepositories.push({
      pathToRoot: folder,
      url: dependency.url,
      branch: dependency.branch ?? null,
      branchMapping: dependency.branch_mapping ?? {},
    });
  }
  return ok({ docsetFolders, dependentRepositories });
}

/** Parses `.openpublishing.redirection.json`; REDIRECTION_FILE_INVALID names the file. */
export function parseRedirections(text: string, url: string): Result<Redirection[]> {
  const invalid = (detail: string) =>
    fail<Redirection[]>(
      'REDIRECTION_FILE_INVALID',
      `${url} is not a usable redirection file (${detail.slice(0, 300)}).`,
    );
  const parsed = parseJson(text);
  if (!parsed.ok) return invalid(`not JSON: ${parsed.message}`);
  const validate = fileValidators().redirection;
  if (!validate(parsed.value)) return invalid(describeFirstError(validate.errors));
  const document = parsed.value as { redirections: Array<{ source_path: string; redirect_url: string }> };
  return ok(document.redirections.map((entry) => ({ sourcePath: entry.source_path, redirectUrl: entry.redirect_url })));
}

/** Fetches a repository file: its text, or null when the server says it does not exist (404, 410). */
export type RepositoryFileFetcher = (url: string) => Promise<Result<string | null>>;

/**
 * The publishing files read during one run, each fetched and parsed at most once, however many
 * notices of the repository the run checks (concurrent checks share the one request). A run
 * creates one and hands it to every check; a check without one makes its own, so a check stays
 * self-contained. Failures are kept too: a file that failed once fails the run's other checks the
 * same way rather than being hammered.
 */
export class RepositoryFiles {
  private readonly files = new Map<string, Promise<Result<unknown>>>();

  read<T>(
    url: string,
    fetch: RepositoryFileFetcher,
    parse: (text: string, url: string) => Result<T>,
  ): Promise<Result<T | null>> {
    let entry = this.files.get(url);
    if (!entry) {
      entry = (async (): Promise<Result<T | null>> => {
        const fetched = await fetch(url);
        if (!fetched.ok) return fetched;
        return fetched.value === null ? ok(null) : parse(fetched.value, url);
      })();
      this.files.set(url, entry);
    }
    return entry as Promise<Result<T | null>>;
  }

  publishConfig(repositoryRoot: string, fetch: RepositoryFileFetcher): Promise<Result<PublishConfig | null>> {
    return this.read(`${repositoryRoot}${PUBLISH_CONFIG_FILE}`, fetch, parsePublishConfig);
  }

  redirections(repositoryRoot: string, fetch: RepositoryFileFetcher): Promise<Result<Redirection[] | null>> {
    return this.read(`${repositoryRoot}${REDIRECTION_FILE}`, fetch, parseRedirections);
  }
}
