import { canonicalJson } from './canonical-json';

/**
 * Scrubs known secret values out of any text before it is logged, shown or written to the
 * audit log. Secrets are registered once, from validated config; platform clients put tokens
 * in URLs and error objects, so everything that leaves herald passes through here.
 */
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  // Short values would scrub ordinary words; real tokens are long.
  if (value && value.length >= 8) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
  // Telegram bot tokens appear in every API URL, registered or not.
  return out.replace(/(?<!\d)\d{6,12}:[A-Za-z0-9_-]{30,}/g, '[redacted]');
}

export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  // Errors from client libraries carry the request (headers, URL, token); keep only what explains them.
  if (value instanceof Error) {
    const { code, status } = value as Error & { code?: unknown; status?: unknown };
    return { type: value.name, message: redact(value.message), ...(code !== undefined ? { code } : {}), ...(status !== undefined ? { status } : {}) } as T;
  }
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}

/**
 * canonicalJson(redactDeep(value)) in one walk instead of two copies of the value: the data of
 * every audit row herald appends.
 */
export function redactedCanonicalJson(value: unknown): string {
  // An error becomes the few fields redactDeep keeps of it, then is sorted like the rest.
  return canonicalJson(value, (v) => (typeof v === 'string' ? redact(v) : v instanceof Error ? redactDeep(v) : v));
}
