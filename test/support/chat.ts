import type { Herald } from '../../src/app';
import type { ChatPlatform } from '../../src/config/types';
import type { ChatEvent, CommandOutcome, Reply } from '../../src/core/commands/types';
import { headerText } from '../../src/core/previews/view';
import { recordSent } from '../../src/core/sent';
import { CAST, COMMS } from './cast';


export interface Said {
  outcome: CommandOutcome;
  /** Every reply as the user would read it, joined. */
  text: string;
  replies: Reply[];
}

let eventCounter = 0;

/** A cast member's account on the platform; any other name is taken as the user id itself. */
function accountOf(user: string, platform: ChatPlatform): string {
  const person = (CAST as Record<string, { discord?: string; telegram?: number }>)[user];
  const id = person?.[platform];
  return id === undefined ? user : String(id);
}

/**
 * The in-memory chat adapter of the core's tests: it turns typed text into ChatEvents exactly as
 * the Discord and Telegram adapters do, and records what herald answered.
 */
export class MemoryChat {
  readonly outbox: Array<{ chatId: string; text: string; kind: string; private: boolean }> = [];
  private messageId = 1;

  constructor(
    private readonly herald: Herald,
    readonly platform: ChatPlatform = 'discord',
  ) {}

  say(user: string, text: string, opts: { chatId?: string; edited?: boolean; eventId?: string; anonymous?: boolean; roleIds?: string[] } = {}): Said {
    const m = /^\/(\w+)(?:@\w+)?\s*([\s\S]*)$/.exec(text.trim());
    return this.dispatch(user, { name: m?.[1] ?? '', args: { text: m?.[2] ?? '' }, raw: text, via: 'command' }, opts);
  }

  press(user: string, action: 'approve' | 'reject', draftId: number, revision: number, reason = ''): Said {
    return this.dispatch(user, { name: action, args: { text: `${draftId} ${reason}`.trim() }, raw: `[${action} button #${draftId} r${revision}]`, via: 'button', revision }, {});
  }

  dispatch(user: string, input: Pick<ChatEvent, 'name' | 'args' | 'raw' | 'via'> & { revision?: number }, opts: { chatId?: string; edited?: boolean; eventId?: string; anonymous?: boolean; roleIds?: string[] }): Said {
    const chatId = opts.chatId ?? COMMS[this.platform];
    const event: ChatEvent = {
      platform: this.platform,
      eventId: opts.eventId ?? `evt-${++eventCounter}`,
      chatId,
      actor: {
        platform: this.platform,
        userId: accountOf(user, this.platform),
        displayName: user,
        ...(opts.roleIds ? { roleIds: opts.roleIds } : {}),
        ...(opts.anonymous ? { anonymous: true } : {}),
      },
      ...(opts.edited ? { edited: true } : {}),
      ...input,
    };
    const outcome = this.herald.handle(event);
    const texts = outcome.replies.map((r) => this.deliver(chatId, r));
    return { outcome, replies: outcome.replies, text: texts.join('\n\n') };
  }

  private deliver(chatId: string, reply: Reply): string {
    let text: string;
    let kind = 'reply';
    let draftId: number | undefined;
    let priv = false;
    if (reply.type === 'text') {
      text = reply.text;
      priv = reply.private ?? false;
    } else if (reply.type === 'preview') {
      kind = 'preview';
      draftId = reply.view.draftId;
      text = [headerText(reply.view), `Discord:\n${reply.view.rendered.discord.join('\n')}`, `X:\n${reply.view.rendered.x.join('\n---\n')}`].join('\n\n');
    } else {
      kind = 'faq';
      priv = reply.private;
      text = this.platform === 'discord' ? reply.rendered.discord.join('\n') : reply.rendered.telegram.map((p) => p.text).join('\n');
    }
    const messageId = String(this.messageId++);
    recordSent(this.herald.core, { platform: this.platform, chatId, messageIds: [messageId], text, kind, private: priv, ...(draftId !== undefined ? { draftId } : {}) });
    this.outbox.push({ chatId, text, kind, private: priv });
    return text;
  }
}
