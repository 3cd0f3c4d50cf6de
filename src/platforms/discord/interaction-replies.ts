import { MessageFlags, type APIMessage, type Message, type RepliableInteraction, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { Reply } from '../../core/commands/types';
import type { Logger } from '../../util/log';
import { redact } from '../../util/redact';
import { splitText, type ChatOut } from './chat-out';
import { toHeraldError } from './errors';
import { headerBody, statementBodies, textBodies } from './preview';
import type { PreviewSubscription } from '../../core/port';

export type Ack = 'ok' | 'already' | 'expired';

const NO_MENTIONS = { parse: [] as [] };

/**
 * Sends the core's replies for one interaction that was acknowledged privately. Public replies
 * (previews, results, a moderator's FAQ answer) are channel messages; private ones (refusals,
 * a member's FAQ answer) complete the private acknowledgement, and that "thinking…" placeholder
 * is removed when everything went public.
 */
export class InteractionReplies {
  private privateCount = 0;

  constructor(
    private readonly interaction: RepliableInteraction,
    private readonly ack: Ack,
    private readonly chat: ChatOut,
    private readonly previews: PreviewSubscription,
    private readonly log: Logger,
    /** For a context-menu answer: the member's message the public answer replies to. */
    private readonly replyTo?: string,
  ) {}

  private get channelId(): string {
    return this.interaction.channelId ?? '';
  }

  async deliver(replies: Reply[]): Promise<void> {
    for (const reply of replies) {
      if (reply.type === 'text') {
        if (reply.private) await this.privately(reply.text, 'reply');
        else await this.publicly(textBodies(reply.text), 'reply', reply.text);
      } else if (reply.type === 'preview') {
        await this.preview(reply);
      } else {
        const text = reply.rendered.discord.join('\n\n');
        const faq = { faq: { topic: reply.topic, userId: this.interaction.user.id } };
        if (reply.private) await this.privately(text, 'faq', faq, reply.rendered.discord);
        else await this.publicly(reply.rendered.discord.map((content) => ({ content })), 'faq', text, undefined, faq);
      }
    }
  }

  /** Ends the interaction: the private placeholder goes when nothing private was said in it. */
  async finish(): Promise<void> {
    if (this.ack !== 'ok' || this.privateCount > 0) return;
    await this.interaction.deleteReply().catch((err: unknown) => this.log.debug({ err }, 'could not remove the interaction placeholder'));
  }

  async privately(text: string, kind: string, extra?: Parameters<ChatOut['record']>[1], parts: string[] = splitText(text)): Promise<void> {
    if (this.ack !== 'ok') {
      this.log.warn({ interaction: this.interaction.id }, 'a private reply could not be sent: the interaction was answered elsewhere');
      return;
    }
    const ids: string[] = [];
    for (const content of parts) {
      let m: Message;
      if (this.privateCount++ === 0) m = await this.interaction.editReply({ content, components: [], allowedMentions: NO_MENTIONS });
      else m = await this.interaction.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      ids.push(m.id);
    }
    this.chat.record({ chatId: this.channelId, messageIds: ids, text, kind, private: true }, extra);
  }

  private async publicly(
    bodies: RESTPostAPIChannelMessageJSONBody[],
    kind: string,
    text: string,
    draftId?: number,
    extra?: Parameters<ChatOut['record']>[1],
    /** A long preview's last message quotes its first, whose buttons are then one click away from where the reader stops. */
    backToFirst = false,
  ): Promise<APIMessage[]> {
    const sent: APIMessage[] = [];
    try {
      for (const [i, body] of bodies.entries()) {
        const quoted = i === 0 ? this.replyTo : backToFirst && i === bodies.length - 1 && i > 1 ? sent[0]?.id : undefined;
        const reference = quoted ? { message_reference: { message_id: quoted, fail_if_not_exists: false }, allowed_mentions: { parse: [] as [], replied_user: true } } : {};
        sent.push(await this.chat.post(this.channelId, { ...body, ...reference }));
      }
    } catch (error) {
      const e = toHeraldError(error, { op: 'post', where: 'this channel', timeoutMs: this.chat.timeoutMs });
      this.log.warn({ err: error, channel: this.channelId }, 'could not post a reply in a Discord channel');
      await this.privately(`herald could not post its answer here: ${redact(e.message)}.`, 'reply');
    }
    if (sent.length) {
      this.chat.record({ chatId: this.channelId, messageIds: sent.map((m) => m.id), text, kind, ...(draftId !== undefined ? { draftId } : {}) }, extra);
    }
    return sent;
  }

  private async preview(reply: Extract<Reply, { type: 'preview' }>): Promise<void> {
    const { view } = reply;
    const header = headerBody(view);
    const bodies = [header, ...statementBodies(view)];
    const text = bodies.map((b) => b.content ?? '').join('\n\n');
    const sent = await this.publicly(bodies, 'preview', text, view.draftId, undefined, true);
    const first = sent[0];
    if (!first) return;
    this.previews.posted(this.channelId, first.id, view);
  }
}

/** Acknowledges at once; a second delivery of the same interaction finds it acknowledged already. */
export async function acknowledge(run: () => Promise<unknown>): Promise<Ack> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    const code = (error as { code?: unknown })?.code;
    if (code === 40060 || code === 'InteractionAlreadyReplied') return 'already';
    if (code === 10062) return 'expired';
    throw error;
  }
}
