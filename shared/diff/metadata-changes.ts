import type { MetadataChange } from './types';

/**
 * Converts a parsed front matter value to plain JSON data, so reports can be serialised and compared
 * deeply. YAML parsers hand back Dates (for `updated: 2026-01-08`), and callers might pass anything,
 * so: Dates become ISO strings (invalid ones `null`), undefined/functions/symbols become `null`,
 * non-finite numbers and bigints become strings, cycles become "[Circular]", object keys are sorted.
 */
export function toJsonSafe(value: unknown, ancestors: Set<object> = new Set()): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      return null;
    default:
      break;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  const obj = value as object;
  if (ancestors.has(obj)) return '[Circular]';
  ancestors.add(obj);
  let out: unknown;
  if (Array.isArray(obj)) {
    out = obj.map((item: unknown) => toJsonSafe(item, ancestors));
  } else if (obj instanceof Map) {
    const record: Record<string, unknown> = {};
    for (const k of [...obj.keys()].sort()) setOwn(record, String(k), toJsonSafe(obj.get(k), ancestors));
    out = record;
  } else {
    const record: Record<string, unknown> = {};
    const source = obj as Record<string, unknown>;
    for (const k of Object.keys(source).sort()) setOwn(record, k, toJsonSafe(source[k], ancestors));
    out = record;
  }
  ancestors.delete(obj);
  return out;
}

/** Plain assignment would turn a `__proto__` key from YAML into a prototype change instead of data. */
function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Deep equality of JSON-safe values (object keys are already sorted by toJsonSafe). */
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
    const b = Object.prototype.hasOwnProperty.call(before, key) ? toJsonSafe(before[key]) : null;
    const a = Object.prototype.hasOwnProperty.call(after, key) ? toJsonSafe(after[key]) : null;
    if (!jsonEqual(b, a)) changes.push({ key, before: b, after: a });
  }
  return changes;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
