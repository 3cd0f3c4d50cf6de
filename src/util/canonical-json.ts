/**
 * JSON with object keys sorted at every level, so equal content always hashes equal. `leaf`
 * rewrites each value before it is walked (the audit log's redaction), in the same one walk.
 */
export function canonicalJson(value: unknown, leaf: (v: unknown) => unknown = (v) => v): string {
  return JSON.stringify(sortKeys(value, leaf));
}

function sortKeys(value: unknown, leaf: (v: unknown) => unknown): unknown {
  const v = leaf(value);
  if (Array.isArray(v)) return v.map((item) => sortKeys(item, leaf));
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) {
      const item = (v as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = sortKeys(item, leaf);
    }
    return out;
  }
  return v;
}
