import type { XLimits } from './types';

export type Endpoint = 'postTweet' | 'deleteTweet' | 'lookupTweets' | 'userTimeline' | 'me';

export const DEFAULT_LIMITS: XLimits = {
  postTweetsPer15Min: 200,
  deleteTweetsPer15Min: 50,
  lookupTweetsPer15Min: 900,
  userTimelinePer15Min: 900,
  mePer15Min: 75,
};

const FIFTEEN_MIN_MS = 15 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

interface Window {
  limit: number;
  used: number;
  resetAtMs: number;
}

export interface LimitVerdict {
  allowed: boolean;
  headers: Record<string, string>;
}

/**
 * Fixed per-user windows with X's x-rate-limit-* headers (reset in epoch seconds). When not
 * enforcing, the headers are still sent but the window never runs dry, so a publisher that
 * honours `remaining: 0` is not made to wait during long benchmarks.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limits: XLimits,
    private readonly enforce: boolean,
  ) {}

  /** Counts one request and says whether it may proceed. */
  take(userId: string, endpoint: Endpoint, now = Date.now()): LimitVerdict {
    const main = this.window(`${userId}:${endpoint}`, this.limitOf(endpoint), FIFTEEN_MIN_MS, now);
    const daily =
      endpoint === 'postTweet' && this.limits.postTweetsPer24h !== undefined
        ? this.window(`${userId}:postTweet:24h`, this.limits.postTweetsPer24h, DAY_MS, now)
        : undefined;

    const allowed = !this.enforce || (main.used < main.limit && (!daily || daily.used < daily.limit));
    if (allowed || !this.enforce) {
      main.used += 1;
      if (daily) daily.used += 1;
    }
    const headers = headersOf('x-rate-limit', main, this.enforce);
    if (daily) Object.assign(headers, headersOf('x-user-limit-24hour', daily, this.enforce));
    return { allowed, headers };
  }

  /** Headers for an answer that did not count against the window (e.g. an injected fault). */
  peek(userId: string, endpoint: Endpoint, now = Date.now()): Record<string, string> {
    const main = this.window(`${userId}:${endpoint}`, this.limitOf(endpoint), FIFTEEN_MIN_MS, now);
    return headersOf('x-rate-limit', main, this.enforce);
  }

  limitOf(endpoint: Endpoint): number {
    switch (endpoint) {
      case 'postTweet':
        return this.limits.postTweetsPer15Min;
      case 'deleteTweet':
        return this.limits.deleteTweetsPer15Min;
      case 'lookupTweets':
        return this.limits.lookupTweetsPer15Min;
      case 'userTimeline':
        return this.limits.userTimelinePer15Min;
      case 'me':
        return this.limits.mePer15Min;
    }
  }

  private window(key: string, limit: number, spanMs: number, now: number): Window {
    let w = this.windows.get(key);
    if (!w || now >= w.resetAtMs) {
      w = { limit, used: 0, resetAtMs: now + spanMs };
      this.windows.set(key, w);
    }
    return w;
  }
}

function headersOf(prefix: string, w: Window, enforce: boolean): Record<string, string> {
  const remaining = enforce ? Math.max(0, w.limit - w.used) : Math.max(1, w.limit - 1);
  return {
    [`${prefix}-limit`]: String(w.limit),
    [`${prefix}-remaining`]: String(remaining),
    [`${prefix}-reset`]: String(Math.ceil(w.resetAtMs / 1000)),
  };
}
