import type { Telegraf } from 'telegraf';
import { formatWait, sleep } from '../../core/delivery/backoff';
import { HeraldError } from '../../core/errors';
import { isTelegramError, retryAfterMs } from './errors';
import { Pacer } from './limiter';

/**
 * Every outbound Bot API call goes through here. telegraf gives each request a fixed 500 s
 * timeout and ignores agents for an http:// API root, so the bound is an AbortSignal passed to
 * callApi (node-fetch honours it); the adapter's stop signal ends calls in flight on shutdown.
 */
export class TelegramApi {
  readonly pacer = new Pacer();

  constructor(
    private readonly bot: Telegraf,
    readonly requestTimeoutMs: number,
    private readonly stopping: AbortSignal,
  ) {}

  /** One call; errors are telegraf's (TelegramError) or the fetch layer's (AbortError, FetchError). */
  async call<T>(method: string, payload: Record<string, unknown>, timeoutMs = this.requestTimeoutMs, stop: AbortSignal = this.stopping): Promise<T> {
    const signal = AbortSignal.any([AbortSignal.timeout(Math.max(1, timeoutMs)), stop]);
    return (await this.bot.telegram.callApi(method as never, payload as never, { signal } as never)) as T;
  }

  /**
   * A new message into a chat, sent when the pace limits give it a slot. A slot further away
   * than `maxWaitMs` is a rate_limited HeraldError with that wait (nothing is sent); a 429 from
   * Telegram pauses the chat for the time it asked and is rethrown.
   */
  async send<T>(chat: string, method: string, payload: Record<string, unknown>, opts: { maxWaitMs: number; timeoutMs?: number; where: string }): Promise<T> {
    const slot = this.pacer.reserve(chat, opts.maxWaitMs);
    if (!slot.ok) {
      throw new HeraldError('rate_limited', `herald is pacing its messages into ${opts.where} under Telegram's limits; the next free slot is in ${formatWait(slot.waitMs)}`, {
        retryAfterMs: slot.waitMs,
      });
    }
    const started = Date.now();
    let at = slot.at;
    let waitMs = slot.waitMs;
    // A send that woke late takes a new slot (Pacer.recheck); each round waits for a later one, and a few are plenty.
    for (let round = 0; waitMs > 0 && round < 5; round++) {
      await sleep(waitMs, this.stopping);
      if (this.stopping.aborted) break;
      ({ at, waitMs } = this.pacer.recheck(chat, at));
    }
    if (this.stopping.aborted) throw new HeraldError('network', 'herald is stopping; the message was not sent', { retryable: true });
    const timeoutMs = (opts.timeoutMs ?? this.requestTimeoutMs) - (Date.now() - started);
    try {
      return await this.call<T>(method, { chat_id: chat, ...payload }, timeoutMs);
    } catch (error) {
      if (isTelegramError(error) && error.code === 429) this.pacer.block(chat, retryAfterMs(error));
      throw error;
    } finally {
      this.pacer.settle(chat, at);
    }
  }
}
