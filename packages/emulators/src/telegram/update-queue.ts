import { ApiError } from './api-errors';
import type { Update } from './types';

/**
 * The bot's update queue, with getUpdates semantics: an update is confirmed (and
 * forgotten) once getUpdates is called with an offset above its update_id; a negative
 * offset keeps only the last -offset updates; one long poll at a time, a newer one
 * ends the older with 409. Replays (redeliver) go out once more whatever the offset,
 * which is how a crash-before-confirm or a webhook retry looks to the bot.
 */

/** Types Telegram leaves out unless allowed_updates names them. */
const OPT_IN_TYPES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
export const LONG_POLL_MAX_SEC = 50;

export function updateType(update: Update): string {
  return Object.keys(update).find((k) => k !== 'update_id') ?? 'unknown';
}

interface Entry {
  update: Update;
  replay: boolean;
}

interface Waiter {
  wake(): void;
  fail(error: ApiError): void;
}

export class UpdateQueue {
  private nextId: number;
  private pending: Entry[] = [];
  private waiter: Waiter | null = null;
  /** null until a getUpdates or setWebhook names a list; [] means "the default set". */
  allowedUpdates: string[] | null = null;
  /** Called whenever something is queued, so a webhook pump can start. */
  onQueued: () => void = () => {};

  constructor(firstId: number) {
    this.nextId = firstId;
  }

  newId(): number {
    return this.nextId++;
  }

  isAllowed(type: string): boolean {
    const allowed = this.allowedUpdates;
    if (!allowed || allowed.length === 0) return !OPT_IN_TYPES.has(type);
    return allowed.includes(type);
  }

  /** Queues an update; returns false when allowed_updates filters it out, as Telegram would. */
  enqueue(update: Update, replay = false): boolean {
    if (!this.isAllowed(updateType(update))) return false;
    this.pending.push({ update, replay });
    this.waiter?.wake();
    this.onQueued();
    return true;
  }

  get size(): number {
    return this.pending.length;
  }

  clear() {
    this.pending = [];
  }

  peek(): Update | undefined {
    return this.pending[0]?.update;
  }

  /** Removes the first queued entry (the webhook pump's acknowledgement). */
  shift() {
    this.pending.shift();
  }

  private confirm(offset: number | undefined) {
    if (offset === undefined || offset === 0) return;
    if (offset < 0) {
      const keep = -offset;
      this.pending = this.pending.slice(Math.max(0, this.pending.length - keep));
      return;
    }
    this.pending = this.pending.filter((e) => e.replay || e.update.update_id >= offset);
  }

  take(offset: number | undefined, limit: number): Update[] {
    this.confirm(offset);
    const batch = this.pending.slice(0, limit);
    // A replay goes out once; a normal update stays until an offset confirms it.
    this.pending = this.pending.filter((e) => !(e.replay && batch.includes(e)));
    return batch.map((e) => e.update);
  }

  /**
   * getUpdates: answers at once when something is queued, else waits up to timeoutSec.
   * `closed` resolves when the caller hung up or the emulator is closing.
   */
  async poll(offset: number | undefined, limit: number, timeoutSec: number, closed: Promise<void>): Promise<Update[]> {
    // Any newer getUpdates ends the one still waiting, as on the real server.
    this.waiter?.fail(
      new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'),
    );
    this.waiter = null;
    const now = this.take(offset, limit);
    if (now.length > 0 || timeoutSec <= 0) return now;

    return new Promise<Update[]>((resolve, reject) => {
      let done = false;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (this.waiter === waiter) this.waiter = null;
        fn();
      };
      const waiter: Waiter = {
        wake: () => finish(() => resolve(this.take(undefined, limit))),
        fail: (error) => finish(() => reject(error)),
      };
      const timer = setTimeout(() => finish(() => resolve([])), Math.min(timeoutSec, LONG_POLL_MAX_SEC) * 1000);
      this.waiter = waiter;
      void closed.then(() => finish(() => resolve([])));
    });
  }

  /** Ends a waiting long poll with an empty answer (emulator closing). */
  release() {
    this.waiter?.wake();
  }
}
