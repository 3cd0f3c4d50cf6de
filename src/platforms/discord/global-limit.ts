import { subscribe } from 'node:diagnostics_channel';
import { DefaultRestOptions, type RESTOptions } from 'discord.js';

/** Discord's global limit: 50 requests a second per bot (interaction endpoints excepted). */
export const DISCORD_GLOBAL_PER_SECOND = 50;

/** The length of Discord's global window, without herald's margin. */
const SECOND_MS = 1000;

/**
 * Added to the one-second window: Discord counts a request when it arrives, and a request that
 * leaves just as the window ends can arrive ahead of one that left earlier and waited longer on
 * the way. The window opens when its first request's bytes leave (`wrote`), so herald's own
 * event-loop delays (a commit's fsync between the decision and the write) need no margin; what
 * is left is the way there and the far end's own delays. Those can be ~20 ms when the far end
 * is busy: a window's first request stamped late at arrival made the next window's first three
 * land early, three 429s and a second lost, at 15 ms. discord.js uses 50 ms, counted from its
 * decision (BENCHMARKS.md). An answer needs no margin: see answered().
 */
export const GLOBAL_MARGIN_MS = 30;

/**
 * The bot's global limit, shared by herald's two REST clients (chat replies and previews, and
 * statements): up to 50 requests in a window that opens with its first request, counted from
 * when that request is written, and lasts a second (and the margin), or a second from the first
 * answer to one of its requests if that is sooner; the ones that find it full wait for the next,
 * oldest first. This is discord.js's own global window (and the emulator's),
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
  /** The end an answer in this window proved (see answered()); the margin bounds it otherwise. */
  private endsBy = Infinity;
  /** When each counted request was written: whether its answer speaks for the current window. */
  private readonly writtenAt = new WeakMap<object, number>();
  private readonly waiting: Waiting[] = [];
  /** Follow-ups (crossposts, pins) waiting: they go once no other request waits and the posts expected have their room. */
  private readonly later: Waiting[] = [];
  /** Posts herald said are coming (expect()), until when each keeps its room; in the order they were expected. */
  private readonly expected = new Map<string, number>();
  /**
   * Posts being sent (posting()) whose request has not taken its slot yet, until when each keeps
   * its room: the next request let go takes one's place, so the room does not open to a follow-up
   * in between.
   */
  private sending: number[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly perSecond = DISCORD_GLOBAL_PER_SECOND,
    private readonly windowMs = SECOND_MS + GLOBAL_MARGIN_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Resolves when a request may leave (and counts it); rejects if `signal` aborts first. A
   * follow-up of a post (its crosspost, a pin) takes a slot only where the posts expected leave one.
   */
  take(signal?: AbortSignal | null, followUp = false): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.now();
    if (!this.waiting.length && !(followUp && this.later.length) && this.free(now) && (!followUp || this.roomBesidesExpected(now))) {
      this.count++;
      if (!followUp) this.tookAPostsPlace();
      return Promise.resolve();
    }
    const queue = followUp ? this.later : this.waiting;
    return new Promise<void>((resolve, reject) => {
      const entry = { go: resolve, signal };
      queue.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          const i = queue.indexOf(entry);
          if (i >= 0) queue.splice(i, 1);
          reject(signal.reason);
        },
        { once: true },
      );
      this.schedule();
    });
  }

  /**
   * Posts about to be sent (a broadcast's deliveries the worker queued): follow-ups leave room
   * for them in the window, so that at 25 channels the first channels' pins and crossposts no
   * longer push the last channels' posts (80 ms each, and their own follow-ups after them) into
   * the next second. Each keeps its room until it is sent (posting()) or `forMs` has passed.
   */
  expect(keys: readonly string[], forMs = EXPECTED_FOR_MS): void {
    const until = this.now() + forMs;
    for (const key of keys) {
      this.expected.delete(key);
      this.expected.set(key, until);
    }
  }

  /** The post expected under `key` is being sent: it takes its slot like any other request. */
  posting(key: string): void {
    const until = this.expected.get(key);
    if (until === undefined) return;
    this.expected.delete(key);
    this.sending.push(until);
  }

  /**
   * A request other than a follow-up was let go: it is (most likely) a post being sent, whose
   * room it now occupies. Follow-ups that waited for that post go now, if there is room left.
   */
  private tookAPostsPlace(): void {
    if (!this.sending.length) return;
    this.sending.shift();
    if (this.later.length) queueMicrotask(() => this.reschedule());
  }

  /** Whether a request may leave at `now`, opening a new window if the last one is over. */
  private free(now: number): boolean {
    if (now >= this.ends()) {
      this.opened = now;
      this.count = 0;
      this.anchored = false;
      this.endsBy = Infinity;
    }
    return this.count < this.perSecond;
  }

  /** When the current window is surely over on Discord's side too. */
  private ends(): number {
    return Math.min(this.opened + this.windowMs, this.endsBy);
  }

  /** Whether the window has a slot beyond those the posts expected are to have. */
  private roomBesidesExpected(now: number): boolean {
    for (const [key, until] of this.expected) {
      if (until > now) break;
      this.expected.delete(key);
    }
    if (this.sending.some((until) => until <= now)) this.sending = this.sending.filter((until) => until > now);
    return this.count + this.expected.size + this.sending.length < this.perSecond;
  }

  /**
   * A counted request's bytes are leaving now: the first since the window opened moves its start
   * here, since Discord's window opens when that request arrives, however long herald took to
   * write it after letting it go. A waiting timer set for the earlier end finds the window still
   * full and waits again. `request` (undici's) is remembered for its answer (answered()).
   */
  wrote(request: object): void {
    const now = this.now();
    this.writtenAt.set(request, now);
    if (this.anchored) return;
    this.anchored = true;
    this.opened = Math.max(this.opened, now);
  }

  /**
   * The answer to a counted request is being read now. Written after this window opened, that
   * request reached Discord after Discord's previous window was over (this one opened no
   * sooner), so Discord's current window had opened by the time it was counted, and it was
   * counted before it was answered: that window is over a second from now at the latest, with
   * no margin needed. A pin or crosspost is answered within a few milliseconds, so the windows
   * they open end ~25 ms sooner than the margin lets them; a post, answered after its 80 ms and
   * more, changes nothing.
   */
  answered(request: object): void {
    const at = this.writtenAt.get(request);
    if (at === undefined || at < this.opened) return;
    const by = this.now() + SECOND_MS;
    if (by >= this.ends()) return;
    this.endsBy = by;
    if (this.timer) this.reschedule();
  }

  private reschedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const now = this.now();
    while (this.waiting.length && this.free(now)) {
      this.count++;
      this.sending.shift();
      this.waiting.shift()!.go();
    }
    while (!this.waiting.length && this.later.length && this.free(now) && this.roomBesidesExpected(now)) {
      this.count++;
      this.later.shift()!.go();
    }
    if (!this.waiting.length && !this.later.length) return;
    let at = this.ends();
    // Follow-ups held back only by room kept for posts go when the first of those expires, if that is sooner.
    const expiries = [...this.sending];
    const firstExpected = this.expected.values().next();
    if (!firstExpected.done) expiries.push(firstExpected.value);
    if (!this.waiting.length && this.count < this.perSecond && expiries.length) at = Math.min(at, ...expiries);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.schedule();
    }, Math.max(1, at - now));
  }
}

interface Waiting {
  go: () => void;
  signal?: AbortSignal | null | undefined;
}

/**
 * How long a post said to be coming keeps its room: a broadcast's deliveries start a few
 * milliseconds apart, so 200 channels' posts are all out well within it; one that never comes
 * (its target marked compromised meanwhile) holds nothing back for longer.
 */
export const EXPECTED_FOR_MS = 2000;

/** Interaction callbacks and webhook-token routes do not count against the bot's global limit. */
const exempt = (url: string) => /\/(interactions\/\d+\/[^/]+\/callback|webhooks\/\d+\/[^/?]+)/u.test(url);

/** A post's follow-ups: its crosspost, and pinning or unpinning it. */
const followUp = (url: string) => /\/(messages\/\d+\/crosspost|pins\/\d+)(?:\?|$)/u.test(url);

/** The limits whose requests are watched leaving, by the origin of the API they call. */
const watched = new Map<string, Set<WeakRef<GlobalLimit>>>();
let subscribed = false;

/**
 * Tells `limit` when each counted request to `origin` is written, and when its answer's headers
 * are read. undici (discord.js's HTTP client) publishes on these channels as it writes a
 * request's headers, right before its bytes go out, and as it parses the answer's; fetch's own
 * undici publishes there too, hence the origin. One subscription serves every limit, and a limit
 * no longer used is dropped.
 */
function watch(origin: string, limit: GlobalLimit): void {
  let set = watched.get(origin);
  if (!set) watched.set(origin, (set = new Set()));
  for (const ref of set) if (ref.deref() === limit) return;
  set.add(new WeakRef(limit));
  if (subscribed) return;
  subscribed = true;
  const tell = (what: (l: GlobalLimit, request: object) => void) => (message: unknown) => {
    const request = (message as { request?: { origin?: unknown; path?: unknown } }).request;
    const limits = watched.get(String(request?.origin));
    if (!limits || typeof request?.path !== 'string' || exempt(request.path)) return;
    for (const ref of limits) {
      const l = ref.deref();
      if (l) what(l, request);
      else limits.delete(ref);
    }
  };
  subscribe('undici:client:sendHeaders', tell((l, request) => l.wrote(request)));
  subscribe('undici:request:headers', tell((l, request) => l.answered(request)));
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
        await limit.take(init.signal, followUp(url));
      }
      return DefaultRestOptions.makeRequest(url, init);
    },
  };
}
