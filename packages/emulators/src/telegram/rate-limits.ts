import type { ChatRecord } from './state';
import type { LimitsConfig } from './types';

/**
 * Telegram's documented broadcast limits (Bots FAQ: "My bot is hitting limits"):
 * about one message per second into a chat, 20 per minute into a group, about 30
 * per second overall. Past them Telegram answers 429 with `retry_after`; this does
 * the same with sliding windows so a test can see a sender back off correctly.
 */

export const TELEGRAM_LIMITS: LimitsConfig = { perChatPerSec: 1, perGroupPerMin: 20, globalPerSec: 30 };

/** Methods that post a new message and therefore count against the limits. */
export const SENDING_METHODS = new Set([
  'sendmessage', 'sendphoto', 'senddocument', 'sendaudio', 'sendvideo', 'sendanimation', 'sendvoice',
  'sendvideonote', 'sendmediagroup', 'sendlocation', 'sendvenue', 'sendcontact', 'sendpoll', 'senddice',
  'sendsticker', 'copymessage', 'forwardmessage',
]);

export class RateLimiter {
  private readonly perChat = new Map<number, number[]>();
  private readonly global: number[] = [];

  constructor(private readonly limits: LimitsConfig) {}

  /** Seconds the sender must wait, or 0 when the message may go now. */
  retryAfter(chat: ChatRecord, now = Date.now()): number {
    const sent = this.perChat.get(chat.id) ?? [];
    const waits: number[] = [];
    // Only messages that arrived before this one count: one that arrived later may have been stored first.
    const windowWait = (times: number[], windowMs: number, max: number) => {
      const recent = times.filter((t) => t > now - windowMs && t <= now);
      if (recent.length < max) return 0;
      return recent[recent.length - max]! + windowMs - now;
    };
    waits.push(windowWait(sent, 1000, this.limits.perChatPerSec));
    if (chat.type === 'group' || chat.type === 'supergroup') {
      waits.push(windowWait(sent, 60_000, this.limits.perGroupPerMin));
    }
    waits.push(windowWait(this.global, 1000, this.limits.globalPerSec));
    const waitMs = Math.max(...waits);
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
  }

  /** Counts a message sent into `chat`, at the time its request arrived (the lists stay in that order). */
  record(chat: ChatRecord, now = Date.now()) {
    const sent = (this.perChat.get(chat.id) ?? []).filter((t) => t > now - 60_000);
    insertSorted(sent, now);
    this.perChat.set(chat.id, sent);
    insertSorted(this.global, now);
    while (this.global.length > 0 && this.global[0]! <= now - 1000) this.global.shift();
  }
}

function insertSorted(times: number[], t: number): void {
  let i = times.length;
  while (i > 0 && times[i - 1]! > t) i--;
  times.splice(i, 0, t);
}
