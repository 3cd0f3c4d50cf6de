import { subscribe } from 'node:diagnostics_channel';
import { DefaultRestOptions, type RESTOptions } from 'discord.js';

/** Discord's global limit: 50 requests a second per bot (interaction endpoints excepted). */
export const DISCORD_GLOBAL_PER_SECOND = 50;

/**
 * Added to the one-second window: Discord counts a request when it arrives, and a request that
 * leaves just as the window ends can arrive ahead of one that left earlier and waited longer on
 * the way. The window opens when its first request's bytes leave (`wrote`), so herald's own
 * event-loop delays (a commit's fsync between the decision and the write) need no margin; what
 * is left is the way there and the far end's own delays. discord.js uses 50 ms, counted from
 * its decision (BENCHMARKS.md).
 */
export const GLOBAL_MARGIN_MS = 15;

/**
 * The bot's global limit, shared by herald's two REST clients (chat replies and previews, and
 * statements): up to 50 requests in a window that opens with its first request, counted from
 * when that request is written, and lasts a second (and the margin); the ones that find it full
 * wait for the next, oldest first. This is discord.js's own global window (and the emulator's),
 * which a sliding log of the last 50 made stricter than it is: the second second's requests
 * trailed the first second's spread, 75 ms at 25 channels. discord.js keeps a window per client,
 * so the two had to split the 50 between them (40 and 10) and a broadcast to many channels could
 * use only 40 a second while the chat client used none; one window lets statements take
 * whatever the chat does not.
 */
export class GlobalLimit {
  /** When the current window opened, and how many requests it has let go. */
  private opened = -Infinity;
  private count = 0;
  /** Whether the current window's start is when its first request left, not when it was let go. */
  private anchored = true;
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
      this.anchored = false;
    }
    return this.count < this.perSecond;
  }

  /**
   * A counted request's bytes are leaving now: the first since the window opened moves its start
   * here, since Discord's window opens when that request arrives, however long herald took to
   * write it after letting it go. A waiting timer set for the earlier end finds the window still
   * full and waits again.
   */
  wrote(): void {
    if (this.anchored) return;
    this.anchored = true;
    this.opened = Math.max(this.opened, this.now());
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

/** The limits whose requests are watched leaving, by the origin of the API they call. */
const watched = new Map<string, Set<WeakRef<GlobalLimit>>>();
let subscribed = false;

/**
 * Tells `limit` when each counted request to `origin` is written. undici (discord.js's HTTP
 * client) publishes on this channel as it writes a request's headers, right before its bytes go
 * out; fetch's own undici publishes there too, hence the origin. One subscription serves every
 * limit, and a limit no longer used is dropped.
 */
function watch(origin: string, limit: GlobalLimit): void {
  let set = watched.get(origin);
  if (!set) watched.set(origin, (set = new Set()));
  for (const ref of set) if (ref.deref() === limit) return;
  set.add(new WeakRef(limit));
  if (subscribed) return;
  subscribed = true;
  subscribe('undici:client:sendHeaders', (message) => {
    const request = (message as { request?: { origin?: unknown; path?: unknown } }).request;
    const limits = watched.get(String(request?.origin));
    if (!limits || typeof request?.path !== 'string' || exempt(request.path)) return;
    for (const ref of limits) {
      const l = ref.deref();
      if (l) l.wrote();
      else limits.delete(ref);
    }
  });
}

/**
 * REST options that send every request through `limit` instead of discord.js's own global
 * window: a 429 Discord still answers is handled by discord.js as before.
 */
export function sharedGlobalLimit(limit: GlobalLimit): Pick<RESTOptions, 'makeRequest' | 'globalRequestsPerSecond'> {
  let origin: string | undefined;
  return {
    globalRequestsPerSecond: Number.MAX_SAFE_INTEGER,
    makeRequest: async (url, init) => {
      if (!exempt(url)) {
        if (origin === undefined) watch((origin = new URL(url).origin), limit);
        await limit.take(init.signal);
      }
      return DefaultRestOptions.makeRequest(url, init);
    },
  };
}
