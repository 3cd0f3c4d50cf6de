import type { Update } from 'telegraf/types';
import type { ChatEvent } from '../../core/commands/types';
import type { ChatPort } from '../../core/port';
import type { Logger } from '../../util/log';
import type { OutEntity } from './format';
import { readUpdate, reasonPrompt, type BotIdentity, type Intent, type Origin } from './inbound';
import type { Lanes } from './lanes';
import type { TelegramReplies } from './replies';
import type { ChatSender } from './sender';
import { telegramEventId } from '../../core/commands/event-ids';

const REMOVED = new Set(['kicked', 'left']);

/**
 * Runs each update: a command or button goes to herald (which checks, dedupes and logs it) and
 * the answer is queued for sending. Nothing here waits on the network, so a handler returns
 * at once and the next update is read while replies are still on their way.
 */
export class Router {
  /** Reject presses already asked about: Telegram may deliver an update twice. Bounded. */
  private readonly asked = new Set<number>();

  constructor(
    private readonly port: ChatPort,
    private readonly replies: TelegramReplies,
    private readonly sender: ChatSender,
    private readonly lanes: Lanes,
    private readonly bot: BotIdentity,
    private readonly log: Logger,
  ) {}

  route(update: Update): void {
    const intent = readUpdate(update, this.bot);
    switch (intent.kind) {
      case 'event':
        return this.run(intent.event, intent.origin);
      case 'askReason':
        return this.askReason(intent);
      case 'staleButton':
        return this.replies.answerButton(intent.origin.callbackQueryId, intent.origin.chatId, 'This button no longer applies; send /show with the draft id for the current preview.', true);
      case 'membership':
        return this.membership(intent);
      case 'ignore':
        return;
    }
  }

  private run(event: ChatEvent, origin: Origin): void {
    let outcome;
    try {
      outcome = this.port.handle(event);
    } catch (err) {
      this.log.error({ err, command: event.name, chat: event.chatId }, 'herald could not handle a Telegram command');
      outcome = { replies: [{ type: 'text' as const, text: 'herald hit an internal error and did not run this command; the operator log has the details.', private: true }] };
    }
    this.replies.respond(outcome, origin);
  }

  private askReason(intent: Extract<Intent, { kind: 'askReason' }>): void {
    if (this.asked.has(intent.updateId)) return;
    this.asked.add(intent.updateId);
    if (this.asked.size > 1000) this.asked.delete(this.asked.values().next().value!);
    const { origin, draftId, revision } = intent;
    if (!this.port.mayRun('reject', intent.actor, origin.chatId)) {
      // herald refuses it with its usual words and logs it; asking for a reason would be pointless.
      const event: ChatEvent = { platform: 'telegram', eventId: telegramEventId(intent.updateId, `cb:${origin.callbackQueryId}`), chatId: origin.chatId, actor: intent.actor, name: 'reject', args: { fields: { draft: String(draftId) } }, raw: intent.data, via: 'button', revision };
      return this.run(event, origin);
    }
    this.replies.answerButton(origin.callbackQueryId, origin.chatId, `Reply to herald's question with the reason for rejecting #${draftId}.`, false);
    this.lanes.run(origin.chatId, 'reason prompt', async () => {
      const { mention, rest } = reasonPrompt(intent.actor.displayName, draftId, revision);
      const entities: OutEntity[] = [{ type: 'text_mention', offset: 0, length: mention.length, user: origin.user }];
      await this.sender.say(origin.chatId, { text: mention + rest, entities }, { kind: 'reply', draftId }, {
        ...(origin.buttonMessageId !== undefined ? { replyTo: origin.buttonMessageId } : {}),
        ...(origin.threadId !== undefined ? { threadId: origin.threadId } : {}),
        markup: { force_reply: true, selective: true, input_field_placeholder: `Why reject #${draftId}?` },
      });
    });
  }

  private membership(intent: Extract<Intent, { kind: 'membership' }>): void {
    const chat = String(intent.chat.id);
    const name = 'username' in intent.chat && intent.chat.username ? `@${intent.chat.username}` : chat;
    const by = intent.by.username ? `@${intent.by.username}` : String(intent.by.id);
    if (REMOVED.has(intent.status)) this.log.warn({ chat, status: intent.status, by }, `herald's bot was removed from ${name}; posts there will fail until it is added back`);
    else this.log.info({ chat, status: intent.status, by }, `herald's bot is now ${intent.status} in ${name}`);
  }
}
