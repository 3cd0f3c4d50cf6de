/**
 * Paces herald's own sends under Telegram's broadcast limits (Bots FAQ: about one message a
 * second into one chat, 20 a minute into one group, about 30 a second overall), so a crisis
 * broadcast never runs into 429s in the first place. Each send reserves its slot up front, so
 * concurrent senders queue in order instead of racing; a slot further away than the caller's
 * bound is not reserved at all and the caller reports it as a rate limit instead of waiting.
 */

export interface PaceLimits {
  /** Minimum gap between two sends into one chat. */
  perChatGapMs: number;
  /** At most this many sends into one group or channel per window. */
  perGroup: number;
  perGroupWindowMs: number;
  /** At most this many sends overall per window. */
  global: number;
  globalWindowMs: number;
}

// A little over Telegram's numbers: its windows are measured where it receives the request,
// and requests sent exactly one gap apart can arrive closer together.
export const TELEGRAM_PACE: PaceLimits = {
  perChatGapMs: 1050,
  perGroup: 20,
  perGroupWindowMs: 61_000,
  global: 30,
  globalWindowMs: 1050,
};

/** How late a send may leave for its slot and keep it: the windows' 50 ms over Telegram's cover that much. */
export const LATE_MS = 10;

export type Reservation = { ok: true; waitMs: number; at: number } | { ok: false; waitMs: number };

/** Private chats have positive ids; groups, supergroups and channels negative ids or @usernames. */
export const isGroupLike = (chat: string) => !/^\d+$/.test(chat);

export class Pacer {
  private readonly perChat = new Map<string, number[]>();
  private global: number[] = [];
  private readonly blocked = new Map<string, number>();

  constructor(
    private readonly limits: PaceLimits = TELEGRAM_PACE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reserves the earliest slot for a send into `chat`, unless it is more than `maxWaitMs` away. */
  reserve(chat: string, maxWaitMs: number): Reservation {
    const now = this.now();
    this.prune(now);
    const mine = this.perChat.get(chat) ?? [];
    const { perChatGapMs, perGroup, perGroupWindowMs, global, globalWindowMs } = this.limits;
    let at = Math.max(now, this.blocked.get(chat) ?? 0);
    // Every step moves `at` forward to the end of some window, so this settles within a few rounds.
    for (let round = 0; round < 1000; round++) {
      let next = at;
      const last = mine[mine.length - 1];
      if (last !== undefined) next = Math.max(next, last + perChatGapMs);
      if (isGroupLike(chat)) {
        const inWindow = mine.filter((t) => t > next - perGroupWindowMs && t <= next);
        if (inWindow.length >= perGroup) next = Math.max(next, inWindow[inWindow.length - perGroup]! + perGroupWindowMs);
      }
      // Reservations of other chats may lie ahead of `next`, so count both sides of it.
      const around = this.global.filter((t) => t > next - globalWindowMs && t < next + globalWindowMs);
      if (around.length >= global) next = Math.max(next, around[around.length - global]! + globalWindowMs);
      if (next === at) break;
      at = next;
      if (at - now > maxWaitMs) break;
    }
    const waitMs = at - now;
    if (waitMs > maxWaitMs) return { ok: false, waitMs };
    mine.push(at);
    this.perChat.set(chat, mine);
    this.global.push(at);
    this.global.sort((a, b) => a - b);
    return { ok: true, waitMs, at };
  }

  /**
   * The send reserved for `at` is about to leave. More than `LATE_MS` late (herald's loop was
   * busy when its timer was due), it would crowd the window of the sends reserved after it,
   * whose slots counted it at `at`: so it gives that slot up and takes the earliest one the
   * limits allow from now, counting the others as they stand. At 100 channels a send 111 ms
   * late, and one reserved 1,050 ms after it on time, were 939 ms apart where Telegram counts
   * 30 a second, and Telegram refused the second.
   */
  recheck(chat: string, at: number): Reservation & { ok: true } {
    const now = this.now();
    if (now - at <= LATE_MS) return { ok: true, waitMs: 0, at };
    this.drop(chat, at);
    return this.reserve(chat, Number.POSITIVE_INFINITY) as Reservation & { ok: true };
  }

  private drop(chat: string, at: number): void {
    const mine = this.perChat.get(chat);
    const i = mine?.lastIndexOf(at) ?? -1;
    if (mine && i >= 0) mine.splice(i, 1);
    const g = this.global.lastIndexOf(at);
    if (g >= 0) this.global.splice(g, 1);
  }

  /**
   * The send reserved for `at` has been answered. Telegram counts a message when it stores it,
   * which may be well after the request left (a slow network, a busy server), so the next gap
   * is measured from the answer.
   */
  settle(chat: string, at: number): void {
    const now = this.now();
    if (now <= at) return;
    const mine = this.perChat.get(chat);
    const i = mine?.lastIndexOf(at) ?? -1;
    if (mine && i >= 0) {
      mine[i] = now;
      mine.sort((a, b) => a - b);
    }
    const g = this.global.lastIndexOf(at);
    if (g >= 0) {
      this.global[g] = now;
      this.global.sort((a, b) => a - b);
    }
  }

  /** Telegram asked for a pause (429 retry_after): nothing more goes into that chat before it ends. */
  block(chat: string, forMs: number): void {
    const until = this.now() + forMs;
    this.blocked.set(chat, Math.max(this.blocked.get(chat) ?? 0, until));
  }

  /** Moves what is known about a chat to its new id (a group upgraded to a supergroup). */
  rename(from: string, to: string): void {
    const times = this.perChat.get(from);
    if (times) this.perChat.set(to, [...(this.perChat.get(to) ?? []), ...times].sort((a, b) => a - b));
  }

  private prune(now: number): void {
    const horizon = now - Math.max(this.limits.perGroupWindowMs, this.limits.globalWindowMs, this.limits.perChatGapMs);
    for (const [chat, times] of this.perChat) {
      const kept = times.filter((t) => t > horizon);
      if (kept.length) this.perChat.set(chat, kept);
      else this.perChat.delete(chat);
    }
    this.global = this.global.filter((t) => t > now - this.limits.globalWindowMs);
    for (const [chat, until] of this.blocked) if (until <= now) this.blocked.delete(chat);
  }
}
