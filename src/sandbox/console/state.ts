import type { Herald } from '../../app';
import type { StoredMessage as DiscordMessage } from '@herald/emulators/discord';
import type { StoredMessage as TelegramMessage } from '@herald/emulators/telegram';
import type { ThreadNode } from '@herald/emulators/x';
import { deliveryLine } from '../../core/previews/view';
import { recentDraftViews } from '../../core/read/drafts';
import { SANDBOX_IDS, SANDBOX_PEOPLE, type World } from '../world';
import type { FaultPanel } from './faults';

/** A command a member used in Discord; Discord shows it above the bot's answer. */
export interface UsedCommand {
  at: number;
  user: string;
  text: string;
}

/** A form (modal) herald opened for a member, waiting to be filled in. */
export interface OpenModal {
  interactionId: string;
  user: string;
  customId: string;
  title: string;
  fields: Array<{ id: string; label: string; description: string; placeholder: string; required: boolean; paragraph: boolean }>;
}

type Raw = Record<string, any>;

const PEOPLE = Object.entries(SANDBOX_PEOPLE);
const nameOfDiscord = (id: string) => PEOPLE.find(([, p]) => p.discord === id)?.[0];
const nameOfTelegram = (id: number) => PEOPLE.find(([, p]) => p.telegram === id)?.[0];

function discordButtons(components: unknown): Array<{ customId: string; label: string; style: number; disabled: boolean }> {
  const out: Array<{ customId: string; label: string; style: number; disabled: boolean }> = [];
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const c of list as Raw[]) {
      if (c?.type === 2 && typeof c.custom_id === 'string') out.push({ customId: c.custom_id, label: String(c.label ?? ''), style: Number(c.style ?? 2), disabled: !!c.disabled });
      walk(c?.components);
    }
  };
  walk(components);
  return out;
}

function discordMessage(m: DiscordMessage) {
  const author = m.author as Raw;
  const ephemeralFor = m.ephemeral ? (m.interaction_metadata?.user as Raw | undefined)?.id : undefined;
  return {
    id: m.id,
    at: Date.parse(m.timestamp),
    author: author.bot ? 'herald' : (nameOfDiscord(String(author.id)) ?? String(author.username)),
    bot: !!author.bot,
    content: m.content,
    /** Discord's own line for a pin (message type 6), instead of content. */
    system: m.type === 6 ? 'pinned a message to this channel.' : null,
    // Discord's "herald is thinking…": a deferred answer not filled in yet.
    loading: (m.flags & 128) !== 0 && !m.content,
    ephemeralFor: ephemeralFor ? (nameOfDiscord(String(ephemeralFor)) ?? String(ephemeralFor)) : null,
    buttons: discordButtons(m.components),
    edited: !!m.edited_timestamp,
    deleted: m.deleted,
    pinned: m.pinned,
    crossposted: m.crossposted,
    mentionsEveryone: m.mention_everyone,
  };
}

function telegramMessage(m: TelegramMessage, botName: string) {
  const markup = (m.reply_markup ?? {}) as Raw;
  const buttons = ((markup.inline_keyboard ?? []) as Raw[][]).flat().filter((b) => typeof b.callback_data === 'string').map((b) => ({ text: String(b.text), data: String(b.callback_data) }));
  const from = typeof m.sender === 'number' ? (nameOfTelegram(m.sender) ?? String(m.sender)) : m.sender === 'bot' ? botName : m.sender;
  return {
    id: m.message_id,
    at: m.date * 1000,
    from,
    bot: m.sender === 'bot',
    service: m.sender === 'service',
    text: m.text,
    entities: m.entities,
    buttons,
    forceReply: markup.force_reply === true,
    replyTo: m.reply_to_message_id ?? null,
    pinnedMessageId: m.pinnedMessageId ?? null,
    edited: m.edited,
    deleted: m.deleted,
    pinned: m.pinned,
  };
}

function xPost(node: ThreadNode): Raw {
  const p = node.post;
  return { id: p.id, text: p.text, at: Date.parse(p.created_at), deleted: p.deleted, replyTo: p.in_reply_to_tweet_id ?? null, replies: node.replies.map(xPost) };
}

const OPEN_DRAFTS_SHOWN = 8;

/** Every draft's state and each delivery's, newest first: the console's deliveries panel. */
function deliveryPanel(herald: Herald) {
  return recentDraftViews(herald.core, OPEN_DRAFTS_SHOWN).map((v) => {
    return {
      id: v.draftId,
      templateId: v.templateId,
      title: v.title,
      severity: v.severity,
      status: v.status,
      statusText: v.statusText,
      revision: v.revision.number,
      approvals: v.awaitingApproval ? { names: v.approvals.names, need: v.approvals.need } : null,
      broadcastKind: v.broadcastKind,
      // The same words as every chat preview's delivery lines.
      deliveries: v.deliveries.map((d) => ({ targetId: d.targetId, platform: d.platform, status: d.status, link: d.link, attempts: d.attempts, ...deliveryLine(d) })),
    };
  });
}

/** Everything the console page draws, as one JSON-able object. */
export function snapshot(world: World, herald: Herald, faults: FaultPanel, used: UsedCommand[], modals: OpenModal[]) {
  const config = herald.core.config;
  const botName = world.telegram.bot.first_name;
  const people = PEOPLE.map(([name, p]) => ({ name, role: p.role ?? 'no role', discord: p.discord, telegram: p.telegram }));
  const discordComms = world.discord.messages(SANDBOX_IDS.discordComms).filter((m) => !m.deleted).map(discordMessage);
  return {
    org: config.org.name,
    drill: config.drill?.label ?? null,
    officialDomains: config.officialDomains,
    people,
    faults: { ...faults.modes },
    modals,
    discord: {
      comms: { name: 'comms-private', messages: discordComms, used },
      announcements: { name: 'announcements', messages: world.discord.messages(world.discordTargets[0]!).map(discordMessage) },
    },
    telegram: {
      comms: { name: 'Acme comms (private)', messages: world.telegram.history(SANDBOX_IDS.telegramComms).map((m) => telegramMessage(m, botName)) },
      channel: { name: 'Acme announcements', username: 'acme_announcements', messages: world.telegram.history(world.telegramTargets[0]!).map((m) => telegramMessage(m, botName)) },
    },
    x: { handle: 'acmefinance', name: config.org.name, timeline: world.x.timeline().map(xPost) },
    drafts: deliveryPanel(herald),
  };
}
