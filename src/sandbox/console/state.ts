import type { Herald } from '../../app';
import type { StoredMessage as DiscordMessage } from '@herald/emulators/discord';
import type { StoredMessage as TelegramMessage } from '@herald/emulators/telegram';
import type { ThreadNode } from '@herald/emulators/x';
import { deliveryLine } from '../../core/previews/view';
import { FAQ_MENU } from '../../platforms/discord/commands';
import { TRY_FIRST, TRY_HOLD, TRY_RESOLVE } from '../banner';
import { recentDraftViews } from '../../core/read/drafts';
import { SANDBOX_IDS, SANDBOX_PEOPLE, type World } from '../world';
import type { FaultPanel } from './faults';

/** A command a member used in Discord; Discord shows it above the bot's answer. */
export interface UsedCommand {
  at: number;
  user: string;
  text: string;
  where: ChatPlace;
}

/** The two chats a person can write in on each platform: the team's private one and the public community. */
export type ChatPlace = 'comms' | 'community';

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

type Button = { customId: string; label: string; style: number; disabled: boolean };
/** A string select menu (type 3), as herald's "Answer with FAQ" picker sends it. */
type Select = { customId: string; placeholder: string; options: Array<{ label: string; value: string; description: string }> };

function discordComponents(components: unknown): { buttons: Button[]; selects: Select[] } {
  const buttons: Button[] = [];
  const selects: Select[] = [];
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const c of list as Raw[]) {
      if (c?.type === 2 && typeof c.custom_id === 'string') buttons.push({ customId: c.custom_id, label: String(c.label ?? ''), style: Number(c.style ?? 2), disabled: !!c.disabled });
      if (c?.type === 3 && typeof c.custom_id === 'string') {
        const options = ((c.options ?? []) as Raw[]).map((o) => ({ label: String(o.label ?? o.value), value: String(o.value), description: String(o.description ?? '') }));
        selects.push({ customId: c.custom_id, placeholder: String(c.placeholder ?? ''), options });
      }
      walk(c?.components);
    }
  };
  walk(components);
  return { buttons, selects };
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
    ...discordComponents(m.components),
    /** The message this one replies to (Discord's message_reference), as the client quotes it. */
    replyTo: typeof m.message_reference?.message_id === 'string' ? m.message_reference.message_id : null,
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

/** The sandbox's own time when it runs fast: the page ticks it on from `now`, taken at `at`. */
export interface ClockView {
  factor: number;
  now: number;
  at: number;
}

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
export function snapshot(world: World, herald: Herald, faults: FaultPanel, used: UsedCommand[], modals: OpenModal[], clock: ClockView | null) {
  const config = herald.core.config;
  const botName = world.telegram.bot.first_name;
  const people = PEOPLE.map(([name, p]) => ({ name, role: p.role ?? 'no role', discord: p.discord, telegram: p.telegram }));
  const discordChat = (id: string) => world.discord.messages(id).filter((m) => !m.deleted).map(discordMessage);
  const telegramChat = (id: number) => world.telegram.history(id).map((m) => telegramMessage(m, botName));
  return {
    org: config.org.name,
    drill: config.drill?.label ?? null,
    officialDomains: config.officialDomains,
    people,
    faults: { ...faults.modes },
    modals,
    clock,
    // The walk the banner and the README give, so the page offers the same lines.
    try: { first: TRY_FIRST, hold: TRY_HOLD, resolve: TRY_RESOLVE },
    discord: {
      comms: { name: 'comms-private', messages: discordChat(SANDBOX_IDS.discordComms), used: used.filter((u) => u.where === 'comms') },
      announcements: { name: 'announcements', messages: world.discord.messages(world.discordTargets[0]!).map(discordMessage) },
      // menus: the message-menu commands herald registers, offered on members' messages.
      community: { name: 'community', messages: discordChat(SANDBOX_IDS.discordCommunity), used: used.filter((u) => u.where === 'community'), menus: [FAQ_MENU] },
    },
    telegram: {
      comms: { name: 'Acme comms (private)', messages: telegramChat(SANDBOX_IDS.telegramComms) },
      channel: { name: 'Acme announcements', username: 'acme_announcements', messages: telegramChat(world.telegramTargets[0]!) },
      community: { name: 'Acme community', username: 'acme_community', messages: telegramChat(SANDBOX_IDS.telegramCommunity) },
    },
    x: { handle: 'acmefinance', name: config.org.name, timeline: world.x.timeline().map(xPost) },
    drafts: deliveryPanel(herald),
  };
}
