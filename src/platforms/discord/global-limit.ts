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
 * statements): up to 50 requests in a window that opens with its first request and lasts a
 * second (and the margin); the ones that find it full wait for the next, oldest first. This is
 * discord.js's own global window (and the emulator's), which a sliding log of the last 50 made
 * stricter than it is: the second second's requests trailed the first second's spread, 75 ms
 * at 25 channels. discord.js keeps a window per client, so the two had to split the 50 between
 * them (40 and 10) and a broadcast to many channels could use only 40 a second while the chat
 * client used none; one window lets statements take whatever the chat does not.
 */
export class GlobalLimit {
  /** When the current window opened, and how many requests it has let go. */
  private opened = -Infinity;
  private count = 0;
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
      this.count++;
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

  /** Whether a request may leave at `now`, opening a new window if the last one is over. */
  private free(now: number): boolean {
    if (now - this.opened >= this.windowMs) {
      this.opened = now;
      this.count = 0;
    }
    return this.count < this.perSecond;
  }

  private schedule(): void {
    if (this.timer) return;
    const now = this.now();
    while (this.waiting.length && this.free(now)) {
      this.count++;
      this.waiting.shift()!.go();
    }
    if (!this.waiting.length) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.schedule();
    }, Math.max(1, this.opened + this.windowMs - now));
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
