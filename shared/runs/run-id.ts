import { randomBytes } from 'node:crypto';

/** `20261129T051500Z`: sortable and safe in blob names. */
export function compactTimestamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Sortable, unique, and safe in blob names: `20261129T051500Z-3f9a1c`. Report names rely on the leading timestamp. */
export function newRunId(at: Date, suffix: string = randomBytes(3).toString('hex')): string {
  return `${compactTimestamp(at)}-${suffix}`;
}
