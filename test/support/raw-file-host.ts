import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

import type { NoticeServer } from './notice-server';

/** The fixture docs repositories, laid out as a raw Git file host serves them: OWNER/REPO/BRANCH/path. */
export const DOCS_REPOS_FIXTURE = join(__dirname, '..', 'fixtures', 'docs-repos');

/**
 * Serves every file under `dir` at its path relative to `dir`, as raw.githubusercontent.com
 * serves repository files (text/plain, an ETag); anything else answers 404 as there.
 */
export function serveDirectory(server: NoticeServer, dir: string, exclude: (path: string) => boolean = () => false) {
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(folder, entry.name)) : [join(folder, entry.name)],
    );
  for (const file of walk(dir)) {
    const path = `/${relative(dir, file).split(sep).join('/')}`;
    if (exclude(path)) continue;
    server.setText(path, readFileSync(file, 'utf8'), { contentType: 'text/plain; charset=utf-8' });
  }
}
