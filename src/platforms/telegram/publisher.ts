import type { Message } from 'telegraf/types';
import type { Config, Target } from '../../config/types';
import { limitMs, type Finished, type PartContent, type Publisher, type SendRequest, type SentMessage } from '../../core/delivery/publisher';
import { HeraldError } from '../../core/errors';
import type { Logger } from '../../util/log';
import type { TelegramApi } from './api';
import { isMessageGone, isNotModified, migratedTo, toHeraldError } from './errors';
import { asPart, NO_LINK_PREVIEW } from './format';
import { TELEGRAM_PACE } from './limiter';
import { messageLink } from './links';

type TelegramTarget = Extract<Target, { platform: 'telegram' }>;

/**
 * Posts statements into channels and groups. Text goes with message entities (never a
 * parse_mode), so a value can never turn into markup. Link previews are off: a crisis post
 * should read the same everywhere, and a preview card would show whatever the linked page
 * serves at that moment (a compromised front end is one of the crises herald exists for).
 *
 * A 429 is reported as rate_limited with Telegram's retry_after and the worker retries after
 * that wait (or fails the delivery when it exceeds delivery.max_wait_ms); herald's own pacing
 * keeps that rare.
 */
export class TelegramPublisher implements Publisher {
  readonly platform = 'telegram' as const;
  readonly editsInPlace = true;
  /** Groups upgraded to supergroups while herald ran: configured id -> new id. */
  private readonly moved = new Map<string, string>();

  constructor(
    private readonly api: TelegramApi,
    private readonly delivery: Config['delivery'],
    private readonly log: Logger,
  ) {}

  /** One message into each chat, 30 a second overall. */
  leastMs(deliveries: number): number {
    return limitMs(deliveries, TELEGRAM_PACE.global);
  }

  async send(req: SendRequest): Promise<SentMessage> {
    const target = telegramTarget(req.target);
    const part = asPart(req.content);
    const payload = { text: part.text, entities: part.entities, link_preview_options: NO_LINK_PREVIEW };
    const started = Date.now();
    const chat = this.chatOf(target);
    try {
      return sent(await this.post(target, chat, payload, started));
    } catch (error) {
      const to = migratedTo(error);
      if (to === undefined) throw toHeraldError(error, this.failure('sendMessage', target, chat));
      this.follow(target, chat, to);
      try {
        return sent(await this.post(target, to, payload, started));
      } catch (again) {
        throw toHeraldError(again, this.failure('sendMessage', target, to));
      }
    }
  }

  async edit(req: { target: Target; message: SentMessage; content: PartContent }): Promise<void> {
    const target = telegramTarget(req.target);
    const chat = req.message.chatId ?? this.chatOf(target);
    const part = asPart(req.content);
    try {
      await this.api.call('editMessageText', {
        chat_id: chat,
        message_id: Number(req.message.messageId),
        text: part.text,
        entities: part.entities,
        link_preview_options: NO_LINK_PREVIEW,
      }, this.budget());
    } catch (error) {
      // A retry of an edit that already landed: the post already says what it should.
      if (isNotModified(error)) return;
      throw toHeraldError(error, this.failure('editMessageText', target, chat));
    }
  }

  remove(req: { target: Target; message: SentMessage }): Promise<void> {
    return this.onMessage('deleteMessage', req);
  }

  async finish(req: { target: Target; messages: SentMessage[]; policy: SendRequest['policy'] }): Promise<Finished> {
    const first = req.messages[0];
    if (!req.policy.pin || !first) return { notes: [], pinned: false };
    try {
      await this.pin({ target: req.target, message: first });
      return { notes: [], pinned: true };
    } catch (error) {
      return { notes: [`not pinned: ${(error as Error).message}`], pinned: false };
    }
  }

  pin(req: { target: Target; message: SentMessage }): Promise<void> {
    // The post itself already notified everyone; the pin need not do it twice.
    return this.onMessage('pinChatMessage', req, { disable_notification: true });
  }

  /** Always with the message's id: without one, Telegram unpins whatever was pinned last, which may be someone else's. */
  unpin(req: { target: Target; message: SentMessage }): Promise<void> {
    return this.onMessage('unpinChatMessage', req);
  }

  /** One call about one posted message. A message already gone is what a deletion or an unpin wants; a pin is told. */
  private async onMessage(method: 'deleteMessage' | 'pinChatMessage' | 'unpinChatMessage', req: { target: Target; message: SentMessage }, extra: Record<string, unknown> = {}): Promise<void> {
    const target = telegramTarget(req.target);
    const chat = req.message.chatId ?? this.chatOf(target);
    try {
      await this.api.call(method, { chat_id: chat, message_id: Number(req.message.messageId), ...extra }, this.budget());
    } catch (error) {
      if (method !== 'pinChatMessage' && isMessageGone(error)) return;
      throw toHeraldError(error, this.failure(method, target, chat));
    }
  }

  /** Where a target's messages go now. */
  private chatOf(target: TelegramTarget): string {
    return this.moved.get(target.chat) ?? target.chat;
  }

  private follow(target: TelegramTarget, from: string, to: string): void {
    this.moved.set(target.chat, to);
    this.api.pacer.rename(from, to);
    this.log.warn(
      { target: target.id, from, to },
      `Telegram group ${from} was upgraded to a supergroup; herald now posts to ${to}. Set targets.${target.id}.chat to "${to}" in herald.config.yaml`,
    );
  }

  /** One send within the worker's per-call bound: the pacing wait and the request share it. */
  private async post(target: TelegramTarget, chat: string, payload: Record<string, unknown>, started: number): Promise<Message.TextMessage> {
    const left = this.budget() - (Date.now() - started);
    // The request keeps at least a quarter of the bound; a longer wait goes back to the worker.
    const maxWaitMs = Math.max(0, Math.min(this.delivery.max_wait_ms, left - Math.ceil(this.budget() / 4)));
    return this.api.send<Message.TextMessage>(chat, 'sendMessage', payload, { maxWaitMs, timeoutMs: left, where: describeTarget(target, chat) });
  }

  /** A little under the worker's own bound, so herald's answer (not the worker's guess) explains a timeout. */
  private budget(): number {
    return Math.max(100, this.delivery.request_timeout_ms - Math.min(250, Math.floor(this.delivery.request_timeout_ms / 10)));
  }

  private failure(method: string, target: TelegramTarget, chat: string) {
    return { method, where: describeTarget(target, chat), timeoutMs: this.budget() };
  }
}

function telegramTarget(target: Target): TelegramTarget {
  if (target.platform !== 'telegram') {
    throw new HeraldError('platform_rejected', `target ${target.id} is not a Telegram chat`, { retryable: false });
  }
  return target;
}

function sent(message: Message.TextMessage): SentMessage {
  const url = messageLink(message.chat, message.message_id);
  return { messageId: String(message.message_id), chatId: String(message.chat.id), ...(url ? { url } : {}) };
}

export const describeTarget = (target: TelegramTarget, chat: string) =>
  `${chat.startsWith('@') ? chat : `chat ${chat}`} (target ${target.id})`;
