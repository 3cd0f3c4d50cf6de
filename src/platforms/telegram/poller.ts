import type { Update } from 'telegraf/types';
import { sleep } from '../../core/delivery/backoff';
import type { Logger } from '../../util/log';
import type { LinkHealth } from '../types';
import type { TelegramApi } from './api';
import { isTelegramError, retryAfterMs, toHeraldError } from './errors';

/** Telegram holds a long poll open up to this long when nothing happens. */
const POLL_SECONDS = 25;

/**
 * Long polling, herald's own loop instead of bot.launch(): telegraf's getUpdates has no bound
 * but its 500 s timeout, and a stalled connection would silence the bot for that long. Each
 * poll here is bounded (the poll time plus the request timeout); failures back off, honouring
 * Telegram's retry_after; updates are handed over in order.
 */
export class Poller {
  private readonly stopSignal = new AbortController();
  private offset = 0;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly api: TelegramApi,
    private readonly allowedUpdates: readonly string[],
    private readonly handle: (update: Update) => Promise<void>,
    private readonly log: Logger,
    /** Told when polling starts failing (with why) and when it works again. */
    private readonly link: (health: LinkHealth) => void = () => undefined,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopSignal.abort();
    await this.loop;
    // Confirms what was handled, so a restart does not receive it again.
    if (this.offset) await this.api.call('getUpdates', { offset: this.offset, limit: 1, timeout: 0 }, 2000).catch(() => undefined);
  }

  private async run(): Promise<void> {
    const signal = this.stopSignal.signal;
    try {
      // A webhook left from an earlier run would make every getUpdates fail with 409.
      await this.api.call('deleteWebhook', { drop_pending_updates: false }, undefined, signal);
    } catch (err) {
      if (!signal.aborted) this.log.warn({ err: toHeraldError(err, { method: 'deleteWebhook', where: 'the bot', timeoutMs: this.api.requestTimeoutMs }) }, 'could not remove a Telegram webhook before polling');
    }
    let failures = 0;
    while (!signal.aborted) {
      try {
        const updates = await this.api.call<Update[]>(
          'getUpdates',
          // After a failure a short poll first, so that a recovery is known at once, not after a long poll's wait.
          { offset: this.offset, timeout: failures ? 0 : POLL_SECONDS, allowed_updates: this.allowedUpdates },
          POLL_SECONDS * 1000 + this.api.requestTimeoutMs,
          signal,
        );
        failures = 0;
        this.link({ connected: true });
        for (const update of updates) {
          this.offset = Math.max(this.offset, update.update_id + 1);
          await this.handle(update);
        }
        // What an update started (a broadcast's first requests) goes out before the next poll is built.
        if (updates.length) await new Promise<void>((resolve) => setImmediate(resolve));
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        const wait = this.backoff(err, failures);
        const e = toHeraldError(err, { method: 'getUpdates', where: 'the bot', timeoutMs: POLL_SECONDS * 1000 + this.api.requestTimeoutMs });
        const hint =
          isTelegramError(err) && err.code === 409
            ? 'another process is receiving updates for this bot token (a second herald, or a webhook); only one may'
            : 'Telegram updates could not be fetched';
        this.log[failures > 3 ? 'error' : 'warn']({ err: e, retryInMs: wait }, hint);
        this.link({ connected: false, reason: isTelegramError(err) && err.code === 409 ? `${hint} (${e.message})` : e.message });
        await sleep(wait, signal);
      }
    }
  }

  private backoff(err: unknown, failures: number): number {
    if (isTelegramError(err) && err.code === 429) return retryAfterMs(err);
    if (isTelegramError(err) && err.code === 401) return 60_000;
    return Math.min(30_000, 500 * 2 ** Math.min(failures, 10));
  }
}
