import type { NoticeConfig } from './types';

/** GitHub's raw file host: `https://raw.githubusercontent.com/OWNER/REPO/BRANCH/PATH`. */
export const RAW_GITHUB_HOST = 'raw.githubusercontent.com';

/**
 * The notice's repository root at the watched branch, ending in `/`: the configured
 * `repositoryRoot`, or, for a raw.githubusercontent.com URL, `https://raw.githubusercontent.com/OWNER/REPO/BRANCH/`
 * (also `…/OWNER/REPO/refs/heads/BRANCH/`). Null when neither applies: such a notice's publishing
 * files are never read, because no request is sent to a guessed URL.
 */
export function repositoryRootOf(notice: Pick<NoticeConfig, 'url' | 'repositoryRoot'>): string | null {
  if (notice.repositoryRoot !== undefined) return notice.repositoryRoot;
  let url: URL;
  try {
    url = new URL(notice.url);
  } catch {
    // An unparseable URL is reported by the watchlist check and by the fetch; it has no repository.
    return null;
  }
  if (url.protocol !== 'https:' || url.hostname !== RAW_GITHUB_HOST || url.port !== '') return null;
  const segments = url.pathname.split('/').slice(1);
  const refForm = segments[2] === 'refs' && (segments[3] === 'heads' || segments[3] === 'tags');
  const rootLength = refForm ? 5 : 3;
  // The root must be followed by the notice's own path.
  if (segments.length <= rootLength || segments.slice(0, rootLength + 1).some((segment) => segment === '')) return null;
  return `${url.origin}/${segments.slice(0, rootLength).join('/')}/`;
}
