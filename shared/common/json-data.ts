/**
 * Converts a parsed value (YAML front matter, mostly) to plain JSON data, so reports serialise and
 * compare deeply: Dates become ISO strings (invalid ones null), undefined, functions and symbols
 * become null, non-finite numbers and bigints become strings, cycles become "[Circular]", object
 * keys are sorted and kept as own data properties (a YAML `__proto__` key stays a key).
 * With a budget, every value visited counts; past `max` the rest becomes null and the caller can
 * refuse the document (YAML aliases can expand a small file into a huge tree).
 */
export function toJsonData(
  value: unknown,
  budget?: { nodes: number; readonly max: number },
  ancestors: Set<object> = new Set(),
): unknown {
  if (budget) {
    budget.nodes += 1;
    if (budget.nodes > budget.max) return null;
  }
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
    out = obj.map((item: unknown) => toJsonData(item, budget, ancestors));
  } else {
    const entries: Array<[string, unknown]> =
      obj instanceof Map ? [...obj.entries()].map(([k, v]) => [String(k), v]) : Object.entries(obj);
    const record: Record<string, unknown> = {};
    for (const [key, item] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      Object.defineProperty(record, key, {
        value: toJsonData(item, budget, ancestors),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    out = record;
  }
  ancestors.delete(obj);
  return out;
}

/** The same object without its undefined properties, so spreading it over defaults keeps the defaults. */
export function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
