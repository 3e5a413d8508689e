import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from '../config/settings';

/**
 * The version in the User-Agent comes from the project's package.json, read at run time rather than
 * imported (importing it would make tsc copy it into dist/).
 */
function packageVersion(): string | null {
  try {
    const parsed = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : null;
  } catch (error) {
    // A User-Agent without a version still identifies us; say why it is missing.
    process.emitWarning(
      `noticewatch: cannot read the package version for the User-Agent (${error instanceof Error ? error.message : String(error)})`,
    );
    return null;
  }
}

let cachedUserAgent: string | null = null;

/** `noticewatch/<version> (+privacy notice drift monitor)`; `0.0.0` if the package cannot be read. */
export function defaultUserAgent(): string {
  cachedUserAgent ??= `noticewatch/${packageVersion() ?? '0.0.0'} (+privacy notice drift monitor)`;
  return cachedUserAgent;
}
