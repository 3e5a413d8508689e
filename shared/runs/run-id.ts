import { randomBytes } from 'node:crypto';

/** Sortable, unique, and safe in blob names: `20261129T051500Z-3f9a1c`. */
export function newRunId(at: Date, suffix: string = randomBytes(3).toString('hex')): string {
  return `${at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}-${suffix}`;
}
