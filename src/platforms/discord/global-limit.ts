import { DefaultRestOptions, type RESTOptions } from 'discord.js';

/** Discord's global limit: 50 requests a second per bot (interaction endpoints excepted). */
export const DISCORD_GLOBAL_PER_SECOND = 50;

/**
 * Added to the one-second window: Discord counts a request when it arrives, and a request that
 * leaves just as the window ends can arrive ahead of one that left earlier and waited longer on
 * the way. discord.js's own offset; at 20 ms a loaded machine drew 429s (BENCHMARKS.md).
 */
export const GLOBAL_MARGIN_MS = 50;

/**
 * The bot's global limit, shared by herald's two REST clients (chat replies and previews, and
 * statements): a request leaves once fewer than 50 left in the last second (and the margin),
 * oldest first. discord.js keeps a window per client, so the two had to split the 50 between
 * them (40 and 10) and a broadcast to many channels could use only 40 a second while the chat
 * client used none; one log lets statements take whatever the chat does not.
 */
export class GlobalLimit {
  /** When each of the last `perSecond` requests left, oldest first. */
  private readonly sent: number[] = [];
  private readonly waiting: Array<{ go: () => void; signal?: AbortSignal | null }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly perSecond = DISCORD_GLOBAL_PER_SECOND,
    private readonly windowMs = 1000 + GLOBAL_MARGIN_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when a request may leave (and counts it); rejects if `signal` aborts first. */
  take(signal?: AbortSignal | null): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.waiting.length && this.free(this.now())) {
      this.sent.push(this.now());
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = { go: resolve, signal };
      this.waiting.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal.reason);
        },
        { once: true },
      );
      this.schedule();
    });
  }

  private free(now: number): boolean {
    while (this.sent.length > this.perSecond) this.sent.shift();
    return this.sent.length < this.perSecond || now - this.sent[0]! >= this.windowMs;
  }

  private schedule(): void {
    if (this.timer) return;
    const now = this.now();
    while (this.waiting.length && this.free(now)) {
      this.sent.push(now);
      this.waiting.shift()!.go();
    }
    if (!this.waiting.length) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.schedule();
    }, Math.max(1, this.sent[this.sent.length - this.perSecond]! + this.windowMs - now));
  }
}

/** Interaction callbacks and webhook-token routes do not count against the bot's global limit. */
const exempt = (url: string) => /\/(interactions\/\d+\/[^/]+\/callback|webhooks\/\d+\/[^/?]+)/u.test(url);

/**
 * REST options that send every request through `limit` instead of discord.js's own global
 * window: a 429 Discord still answers is handled by discord.js as before.
 */
export function sharedGlobalLimit(limit: GlobalLimit): Pick<RESTOptions, 'makeRequest' | 'globalRequestsPerSecond'> {
  return {
    globalRequestsPerSecond: Number.MAX_SAFE_INTEGER,
    makeRequest: async (url, init) => {
      if (!exempt(url)) await limit.take(init.signal);
      return DefaultRestOptions.makeRequest(url, init);
    },
  };
}
