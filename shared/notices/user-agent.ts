import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The version in the User-Agent comes from the project's package.json, found by walking up from
 * this file: the same code runs from `shared/notices` (tests) and `dist/shared/notices` (build),
 * and importing package.json would make tsc copy it into dist.
 */
function findPackageVersion(startDir: string): string | null {
  let dir = startDir;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'package.json');
    let raw: string | null = null;
    try {
      raw = readFileSync(candidate, 'utf8');
    } catch {
      // No package.json at this level: keep walking up (expected for every level but one).
      raw = null;
    }
    if (raw !== null) {
      const parsed: unknown = JSON.parse(raw);
      if (
        typeof parsed === 'object' &&
        parsed !== null &&
        (parsed as { name?: unknown }).name === 'noticewatch' &&
        typeof (parsed as { version?: unknown }).version === 'string'
      ) {
        return (parsed as { version: string }).version;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

let cachedUserAgent: string | null = null;

/** `noticewatch/<version> (+privacy notice drift monitor)`; `0.0.0` if the package cannot be found. */
export function defaultUserAgent(): string {
  if (cachedUserAgent === null) {
    const version = findPackageVersion(__dirname) ?? '0.0.0';
    cachedUserAgent = `noticewatch/${version} (+privacy notice drift monitor)`;
  }
  return cachedUserAgent;
}
