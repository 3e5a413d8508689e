import { toJsonData } from '../common/json-data';
import type { MetadataChange } from './types';

/** Deep equality of JSON-safe values (object keys are already sorted by toJsonData). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra);
  const kb = Object.keys(rb);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && jsonEqual(ra[k], rb[k]));
}

/**
 * Top-level front matter keys whose value changed, sorted by key (code unit order, so the result
 * does not depend on locale). Absent and `null` are reported identically, so a key going from absent
 * to `null` would produce `null -> null`; such entries are left out as they tell the reader nothing
 * (the unified diff still shows the line).
 */
export function compareMetadata(previous: unknown, current: unknown): MetadataChange[] {
  const before = asRecord(previous);
  const after = asRecord(current);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: MetadataChange[] = [];
  for (const key of keys) {
    const b = Object.prototype.hasOwnProperty.call(before, key) ? toJsonData(before[key]) : null;
    const a = Object.prototype.hasOwnProperty.call(after, key) ? toJsonData(after[key]) : null;
    if (!jsonEqual(b, a)) changes.push({ key, before: b, after: a });
  }
  return changes;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
