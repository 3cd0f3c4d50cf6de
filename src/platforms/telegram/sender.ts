import type { InlineKeyboardMarkup, ForceReply, Message } from 'telegraf/types';
import { sleep } from '../../core/delivery/backoff';
import type { ChatPort, SentExtra, SentRecord } from '../../core/port';
import { isTelegramError, retryAfterMs, toHeraldError } from './errors';
import { NO_LINK_PREVIEW, type OutText } from './format';
import type { TelegramApi } from './api';

export interface SendOptions {
  /** Quote this message; sent anyway if it was deleted meanwhile. */
  replyTo?: number;
  markup?: InlineKeyboardMarkup | ForceReply;
  /** Forum topic to post in. */
  threadId?: number;
}

/**
 * herald's messages in chats (replies, previews, FAQ answers, prompts), paced like
 * broadcasts. A 429 is waited out here (within delivery.max_wait_ms), since a reply has no
 * worker to retry it; every message sent is recorded in the audit log.
 */
export class ChatSender {
  constructor(
    private readonly api: TelegramApi,
    private readonly port: ChatPort,
    /** The longest wait for a 429 herald accepts (delivery.max_wait_ms). */
    private readonly maxWaitMs: number,
    private readonly stopping: AbortSignal,
  ) {}

  async send(chat: string, body: OutText, opts: SendOptions = {}): Promise<Message.TextMessage> {
    const payload: Record<string, unknown> = { text: body.text, link_preview_options: NO_LINK_PREVIEW };
    if (body.entities.length) payload.entities = body.entities;
    if (opts.replyTo !== undefined) payload.reply_parameters = { message_id: opts.replyTo, allow_sending_without_reply: true };
    if (opts.markup) payload.reply_markup = opts.markup;
    if (opts.threadId !== undefined) payload.message_thread_id = opts.threadId;
    const maxWaitMs = this.maxWaitMs;
    const where = chat.startsWith('-') || chat.startsWith('@') ? `chat ${chat}` : `user ${chat}`;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.api.send<Message.TextMessage>(chat, 'sendMessage', payload, { maxWaitMs, where });
      } catch (error) {
        const waitMs = isTelegramError(error) && error.code === 429 ? retryAfterMs(error) : undefined;
        if (waitMs === undefined || waitMs > maxWaitMs || attempt >= 3 || this.stopping.aborted) {
          throw toHeraldError(error, { method: 'sendMessage', where, timeoutMs: this.api.requestTimeoutMs });
        }
        await sleep(waitMs, this.stopping);
      }
    }
  }

  record(sent: Omit<SentRecord, 'platform'>, extra?: SentExtra): void {
    void this.port.recordSent({ platform: 'telegram', ...sent }, extra);
  }

  /** Sends and records in one step. */
  async say(chat: string, body: OutText, record: Omit<SentRecord, 'platform' | 'chatId' | 'messageIds' | 'text'>, opts: SendOptions = {}): Promise<Message.TextMessage> {
    const message = await this.send(chat, body, opts);
    this.record({ chatId: chat, messageIds: [String(message.message_id)], text: body.text, ...record });
    return message;
  }
}
