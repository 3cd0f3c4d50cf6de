import { bucketHash } from './ids';
import type { RestResponse } from './api-errors';

export interface BucketDef {
  limit: number;
  windowMs: number;
}

/** Limits Discord documents or that bots reliably observe. Other routes get a roomy generic bucket. */
export const Buckets = {
  messageCreate: { limit: 5, windowMs: 5_000 },
  crosspost: { limit: 10, windowMs: 3_600_000 },
  generic: { limit: 50, windowMs: 1_000 },
} satisfies Record<string, BucketDef>;

const GLOBAL_PER_SECOND = 50;

const seconds = (ms: number) => (ms / 1000).toFixed(3);

export function bucketHeaders(hash: string, limit: number, remaining: number, resetAt: number, now: number) {
  return {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(Math.max(0, remaining)),
    'X-RateLimit-Reset': seconds(resetAt),
    'X-RateLimit-Reset-After': seconds(Math.max(0, resetAt - now)),
    'X-RateLimit-Bucket': hash,
  };
}

/**
 * A 429 exactly as documented: the body carries the precise retry_after, the Retry-After header the
 * same wait rounded up to whole seconds, X-RateLimit-Scope always, X-RateLimit-Global only for the
 * global limit (which also carries no bucket headers).
 */
export function tooManyRequests(
  retryAfterSec: number,
  scope: 'user' | 'global' | 'shared',
  bucket?: Record<string, string>,
): RestResponse {
  const global = scope === 'global';
  const headers: Record<string, string> = {
    'Retry-After': String(Math.max(1, Math.ceil(retryAfterSec))),
    'X-RateLimit-Scope': scope,
    ...(global ? { 'X-RateLimit-Global': 'true' } : (bucket ?? {})),
  };
  return {
    status: 429,
    headers,
    body: {
      message: scope === 'shared' ? 'The resource is being rate limited.' : 'You are being rate limited.',
      retry_after: Math.round(retryAfterSec * 1000) / 1000,
      global,
    },
  };
}

interface BucketState {
  remaining: number;
  resetAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, BucketState>();
  private globalWindow = { count: 0, resetAt: 0 };

  constructor(private readonly enforce: boolean) {}

  /** The global 50 requests/s per bot; interaction routes never reach here. */
  checkGlobal(now: number): RestResponse | undefined {
    if (!this.enforce) return undefined;
    if (now >= this.globalWindow.resetAt) this.globalWindow = { count: 0, resetAt: now + 1000 };
    this.globalWindow.count += 1;
    if (this.globalWindow.count <= GLOBAL_PER_SECOND) return undefined;
    return tooManyRequests((this.globalWindow.resetAt - now) / 1000, 'global');
  }

  /**
   * Takes one request from the route's bucket. When not enforcing, the headers still come, but
   * report a bucket that never runs dry, so clients never throttle themselves.
   */
  take(routeKey: string, major: string, def: BucketDef, now: number): { headers: Record<string, string>; limited?: RestResponse } {
    const hash = bucketHash(routeKey);
    if (!this.enforce) {
      return { headers: bucketHeaders(hash, def.limit, def.limit - 1, now + def.windowMs, now) };
    }
    const key = `${hash}:${major}`;
    let state = this.buckets.get(key);
    if (!state || now >= state.resetAt) {
      state = { remaining: def.limit, resetAt: now + def.windowMs };
      this.buckets.set(key, state);
    }
    if (state.remaining <= 0) {
      const headers = bucketHeaders(hash, def.limit, 0, state.resetAt, now);
      return { headers, limited: tooManyRequests((state.resetAt - now) / 1000, 'user', headers) };
    }
    state.remaining -= 1;
    return { headers: bucketHeaders(hash, def.limit, state.remaining, state.resetAt, now) };
  }
}
