import { randomBytes } from 'node:crypto';

import { compactTimestamp } from '../storage';

/** Sortable, unique, and safe in blob names: `20261129T051500Z-3f9a1c`. Report names rely on the leading timestamp. */
export function newRunId(at: Date, suffix: string = randomBytes(3).toString('hex')): string {
  return `${compactTimestamp(at)}-${suffix}`;
}
