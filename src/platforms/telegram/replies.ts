import type { CommandOutcome, Reply } from '../../core/commands/types';
import type { Config } from '../../config/types';
import type { PreviewSubscription } from '../../core/port';
import { currentFace } from '../../core/previews/keeper';
import type { DraftView } from '../../core/previews/view';
import type { Logger } from '../../util/log';
import type { TelegramApi } from './api';
import { toHeraldError } from './errors';
import { ANSWER_LIMIT, join, plain, splitText, withCode, truncate, type OutText } from './format';
import type { BotIdentity, Origin } from './inbound';
import type { Lanes } from './lanes';
import { headerMessage, platformsOf, statementMessages } from './previews';
import type { ChatSender, SendOptions } from './sender';

/** Where a reply lands decides how private it can be. */
type Place = 'comms' | 'private' | 'public' | 'channel';

/**
 * Turns herald's replies into Telegram messages. In the comms group and in direct messages a
 * reply quotes the command. In public groups Telegram has nothing like an ephemeral message,
 * so a reply meant for the asker alone goes to them directly (possible once they have started
 * the bot) and otherwise becomes a short note in the group. Channels get no replies.
 */
export class TelegramReplies {
  constructor(
    private readonly config: Config,
    private readonly api: TelegramApi,
    private readonly sender: ChatSender,
    private readonly lanes: Lanes,
    private readonly previews: PreviewSubscription,
    private readonly bot: BotIdentity,
    private readonly log: Logger,
  ) {}

  placeOf(origin: Origin): Place {
    if (origin.chatType === 'channel') return 'channel';
    if (origin.chatType === 'private') return 'private';
    return origin.chatId === this.config.comms.telegram ? 'comms' : 'public';
  }

  /** Sends what herald answered. Returns at once; the messages follow in order. */
  respond(outcome: CommandOutcome, origin: Origin): void {
    if (outcome.replay) return;
    const place = this.placeOf(origin);
    if (place === 'channel') return;
    let replies = outcome.replies;
    if (origin.callbackQueryId) {
      // A button press is answered at once; the first text is its toast (or alert, when meant for the presser only).
      const first = replies.find((r): r is Extract<Reply, { type: 'text' }> => r.type === 'text');
      this.answerButton(origin.callbackQueryId, origin.chatId, first?.text, first?.private ?? false);
      replies = replies.filter((r) => !(r.type === 'text' && r.private));
    }
    const quote = origin.messageId ?? origin.buttonMessageId;
    const topic: SendOptions = origin.threadId !== undefined ? { threadId: origin.threadId } : {};
    const quoting: SendOptions = { ...topic, ...(quote !== undefined ? { replyTo: quote } : {}) };
    this.lanes.run(origin.chatId, 'reply', async () => {
      for (const reply of replies) await this.deliver(reply, origin, place, { topic, quoting });
    });
  }

  /** Answers a button press without queueing behind other messages: Telegram shows a spinner until then. */
  answerButton(queryId: string, chatId: string, text: string | undefined, alert: boolean): void {
    const payload: Record<string, unknown> = { callback_query_id: queryId };
    if (text) {
      payload.text = truncate(text, ANSWER_LIMIT);
      payload.show_alert = alert;
    }
    const work = this.api.call('answerCallbackQuery', payload).then(
      () => {
        if (text) this.sender.record({ chatId, messageIds: [], text: String(payload.text), kind: 'notice', private: true });
      },
      (err: unknown) =>
        this.log.warn({ err: toHeraldError(err, { method: 'answerCallbackQuery', where: `chat ${chatId}`, timeoutMs: this.api.requestTimeoutMs }) }, 'a Telegram button press could not be answered'),
    );
    this.lanes.track(work);
  }

  private async deliver(reply: Reply, origin: Origin, place: Place, at: { topic: SendOptions; quoting: SendOptions }): Promise<void> {
    const chat = origin.chatId;
    if (reply.type === 'preview') return this.sendPreview(chat, reply.view, at);
    if (reply.type === 'text') {
      if (reply.private && place === 'public' && origin.user) {
        if (await this.direct(origin.user.id, splitText(reply.text).map(withCode), { kind: 'reply', private: true })) return;
      }
      for (const piece of splitText(reply.text)) {
        await this.sender.say(chat, withCode(piece), { kind: 'reply', ...(reply.private ? { private: true } : {}) }, at.quoting);
      }
      return;
    }
    // An FAQ answer.
    const parts: OutText[] = reply.rendered.telegram.map((p) => ({ text: p.text, entities: [...p.entities] }));
    const faq = { faq: { topic: reply.topic, userId: origin.user ? String(origin.user.id) : '' } };
    if (!reply.private) {
      // A moderator's /faq sent as a reply answers the member's message; otherwise it is posted.
      const member = origin.repliedTo && origin.repliedTo.from?.id !== this.bot.id ? origin.repliedTo.message_id : undefined;
      const sent: string[] = [];
      for (const part of parts) sent.push(String((await this.sender.send(chat, part, member !== undefined ? { ...at.topic, replyTo: member } : at.topic)).message_id));
      this.sender.record({ chatId: chat, messageIds: sent, text: parts.map((p) => p.text).join('\n\n'), kind: 'faq' }, faq);
      return;
    }
    if (place === 'public' && origin.user) {
      if (await this.direct(origin.user.id, parts, { kind: 'faq', private: true }, faq)) return;
      const refusal = `Only moderators post FAQ answers here. To read it privately, open @${this.bot.username}, press Start and send /faq ${reply.topic}`;
      await this.sender.say(chat, plain(refusal), { kind: 'reply', private: true }, at.quoting);
      return;
    }
    const sent: string[] = [];
    for (const part of parts) sent.push(String((await this.sender.send(chat, part, at.quoting)).message_id));
    this.sender.record({ chatId: chat, messageIds: sent, text: parts.map((p) => p.text).join('\n\n'), kind: 'faq', private: true }, faq);
  }

  /** A direct message; false when Telegram will not deliver it (the person never started the bot). */
  private async direct(userId: number, parts: OutText[], record: { kind: string; private: true }, extra?: { faq: { topic: string; userId: string } }): Promise<boolean> {
    const chat = String(userId);
    const sent: string[] = [];
    try {
      for (const part of parts) sent.push(String((await this.sender.send(chat, part)).message_id));
    } catch (err) {
      if (!sent.length) {
        this.log.debug({ err, user: chat }, 'a direct message was refused; answering in the group instead');
        return false;
      }
      throw err;
    }
    this.sender.record({ chatId: chat, messageIds: sent, text: parts.map((p) => p.text).join('\n\n'), ...record }, extra);
    return true;
  }

  async sendPreview(chat: string, view: DraftView, at: { topic: SendOptions; quoting: SendOptions }): Promise<void> {
    const face = currentFace(view);
    const { markup, ...body } = headerMessage(face);
    const header = await this.sender.send(chat, body, { ...at.quoting, ...(markup ? { markup } : {}) });
    this.sender.record({ chatId: chat, messageIds: [String(header.message_id)], text: face.text, kind: 'preview', draftId: view.draftId });
    // It supersedes older previews; something may also have changed while it was on its way.
    this.previews.posted(chat, String(header.message_id), view);
    const statement = statementMessages(view, platformsOf(view));
    const ids: string[] = [];
    // A long preview's last message quotes the header: one tap from where the reader stops back to its buttons.
    for (const [i, body] of statement.entries()) {
      const back = i === statement.length - 1 && i > 0 ? { replyTo: header.message_id } : {};
      ids.push(String((await this.sender.send(chat, body, { ...at.topic, ...back })).message_id));
    }
    if (ids.length) this.sender.record({ chatId: chat, messageIds: ids, text: join(statement).text, kind: 'reply', draftId: view.draftId });
  }
}
