/**
 * What a 429 from X asks for. X sends three families of headers: the endpoint's 15-minute
 * window (x-rate-limit-*), the account's 24-hour posting limit (x-user-limit-24hour-*) and the
 * app's 24-hour limit (x-app-limit-24hour-*). The one that ran dry decides the wait; `reset` is
 * in epoch seconds.
 */
export interface RateLimitAsk {
  /** Undefined when X named no reset: the worker's own backoff applies. */
  retryAfterMs: number | undefined;
  /** One sentence saying which limit it is and when it resets. */
  reason: string;
}

type Headers = Record<string, string | string[] | undefined>;

const FAMILIES = [
  { prefix: 'x-user-limit-24hour', says: (limit: string) => `X's 24-hour posting limit for this account is used up (${limit} posts)` },
  { prefix: 'x-app-limit-24hour', says: (limit: string) => `X's 24-hour posting limit for this app is used up (${limit} posts)` },
  { prefix: 'x-rate-limit', says: (limit: string) => `X's rate limit for this request is used up (${limit} per 15-minute window)` },
] as const;

const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Never shorter than a second: X's resets have one-second resolution, and clocks drift. */
const MIN_WAIT_MS = 1000;

export function rateLimitAsk(headers: Headers | undefined, now = Date.now()): RateLimitAsk {
  const h = headers ?? {};
  const exhausted = FAMILIES.filter((f) => header(h, `${f.prefix}-remaining`) === '0' && header(h, `${f.prefix}-reset`));
  // A dry 24-hour window outlasts the 15-minute one; without any dry window, trust the main reset.
  const candidates = exhausted.length ? exhausted : FAMILIES.filter((f) => f.prefix === 'x-rate-limit' && header(h, `${f.prefix}-reset`));
  let best: { at: number; reason: string } | undefined;
  for (const f of candidates) {
    const reset = Number(header(h, `${f.prefix}-reset`));
    if (!Number.isFinite(reset) || reset <= 0) continue;
    const at = reset * 1000;
    if (!best || at > best.at) best = { at, reason: `${f.says(header(h, `${f.prefix}-limit`) ?? '?')}; it resets at ${clock(at)} UTC` };
  }
  if (!best) return { retryAfterMs: undefined, reason: 'X answered 429 Too Many Requests without saying when to try again' };
  return { retryAfterMs: Math.max(MIN_WAIT_MS, best.at - now), reason: best.reason };
}

/** 14:05:09, or with the date when it is not today. */
function clock(ms: number): string {
  const iso = new Date(ms).toISOString();
  const sameDay = iso.slice(0, 10) === new Date().toISOString().slice(0, 10);
  return sameDay ? iso.slice(11, 19) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
