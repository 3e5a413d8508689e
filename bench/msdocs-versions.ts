import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { fail, ok, type Result } from '../shared/common/result';
import {
  buildSnapshotDocument,
  type DocsRepository,
  parseNotice,
  resolveIncludes,
  type SnapshotDocument,
} from '../shared/notices';

/** A corpus of Microsoft Docs notice versions laid out as /work/shared/corpus/msdocs-sales-insights is (see its README). */
interface MsDocsManifest {
  readonly versions: ReadonlyArray<{ readonly id: string; readonly notice: string }>;
}

export interface MsDocsVersion {
  readonly id: string;
  readonly document: SnapshotDocument;
  readonly includeUrls: string[];
}

const ORIGIN = 'https://corpus.invalid';

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Every version of the corpus as the pipeline would snapshot it: parsed, includes resolved by the
 * pipeline's own resolveIncludes (with the repository as the Docs build sees it), normalised.
 * Includes are read from files instead of a server: a path is looked up in the version's folder,
 * then in `fill/` (as the corpus README says to serve it); the dependent `shared-content`
 * repository that a docset-root include (`~/../shared-content/…`) reaches is the corpus's `external/`.
 */
export async function loadMsDocsVersions(dir: string): Promise<Result<MsDocsVersion[]>> {
  const manifestText = await readText(join(dir, 'manifest.json'));
  if (manifestText === null) return fail('BENCH_CORPUS_NOT_FOUND', `${dir}/manifest.json not found.`);
  const manifest = JSON.parse(manifestText) as MsDocsManifest;
  const versions: MsDocsVersion[] = [];
  for (const version of manifest.versions) {
    const noticePath = join(dir, version.id, version.notice);
    const text = await readText(noticePath);
    if (text === null) return fail('BENCH_CORPUS_NOT_FOUND', `${noticePath} not found.`);
    const parsed = parseNotice(text, 'markdown', undefined, noticePath);
    if (!parsed.ok) return parsed;
    const baseUrl = `${ORIGIN}/${version.id}/${version.notice}`;
    // The repository as the Docs build sees it: the docset (`~/`) is the notice's top folder, and
    // `shared-content/` is a dependent repository, kept in the corpus under external/.
    const repository: DocsRepository = {
      root: `${ORIGIN}/${version.id}/`,
      noticePath: version.notice,
      docsetRoot: version.notice.split('/')[0],
      docsetUnknownBecause: '',
      dependents: [
        { pathToRoot: 'shared-content', bases: [`${ORIGIN}/external/shared-content/`], unplacedBecause: '' },
      ],
    };
    const resolved = await resolveIncludes(
      parsed.value.body,
      baseUrl,
      async (url, options) => {
        const path = decodeURIComponent(new URL(url).pathname).slice(1);
        const candidates = path.startsWith('external/')
          ? [join(dir, path)]
          : [join(dir, path), join(dir, 'fill', path.slice(version.id.length + 1))];
        for (const candidate of candidates) {
          const found = await readText(candidate);
          if (found !== null) return ok(found);
        }
        return options?.missingIsOutcome
          ? ok(null)
          : fail('BENCH_INCLUDE_NOT_FOUND', `No file for ${url} (looked at ${candidates.join(', ')}).`);
      },
      { repository: async () => ok(repository) },
    );
    if (!resolved.ok) return resolved;
    versions.push({
      id: version.id,
      document: buildSnapshotDocument(parsed.value.frontMatterText, parsed.value.metadata, resolved.value.body),
      includeUrls: resolved.value.includeUrls,
    });
  }
  return ok(versions);
}
