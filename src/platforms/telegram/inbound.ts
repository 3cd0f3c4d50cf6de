import type { CallbackQuery, Chat, Message, Update, User } from 'telegraf/types';
import type { ChatEvent } from '../../core/commands/types';
import { COMMANDS } from '../../core/commands/definitions';
import { decodeButton } from '../../core/previews/buttons';
import type { Actor } from '../../core/people';
import { displayName } from './format';
import { telegramEventId } from '../../core/commands/event-ids';

/**
 * Telegram updates in herald's terms. This file decides only what an update IS (a command, a
 * button press, the reason for a rejection); who may do what is decided by the core, which
 * gets every command faithfully: chat, sender, edited or not, anonymous or not.
 */

/** Where an update came from, so replies go back to the right place. */
export interface Origin {
  chatId: string;
  chatType: Chat['type'];
  /** The message that carried the command (replies quote it). */
  messageId?: number;
  /** The message the command answered (a moderator's /faq as a reply to a member). */
  repliedTo?: Message;
  user?: User;
  /** A button press: answer it at once. */
  callbackQueryId?: string;
  /** The preview whose button was pressed. */
  buttonMessageId?: number;
  /** The forum topic it came from, so answers stay in that topic. */
  threadId?: number;
}

export type Intent =
  | { kind: 'event'; event: ChatEvent; origin: Origin }
  /** Reject was pressed: ask for the reason before anything is decided. */
  | { kind: 'askReason'; draftId: number; revision: number; data: string; origin: Origin & { user: User; callbackQueryId: string }; actor: Actor; updateId: number }
  | { kind: 'staleButton'; origin: Origin & { callbackQueryId: string } }
  | { kind: 'membership'; chat: Chat; status: string; by: User }
  | { kind: 'ignore' };

export interface BotIdentity {
  id: number;
  username: string;
  /** The private comms chat, where every command gets an answer, known or not. */
  commsChatId?: string;
}

/** Accounts Telegram uses for a group's anonymous admins, channel posts and linked-channel forwards. */
const STAND_INS = new Set([1087968824, 136817688, 777000]);
const COMMAND = /^\/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)/;
/** The reject prompt's wording; a reply to it carries the reason. Built and read only here. */
const PROMPT = /why are you rejecting #(\d{1,9}) \(revision (\d{1,9})\)\?/;

export function reasonPrompt(name: string, draftId: number, revision: number): { mention: string; rest: string } {
  return { mention: name, rest: `, why are you rejecting #${draftId} (revision ${revision})? Reply to this message with the reason.` };
}

export function readUpdate(update: Update, bot: BotIdentity): Intent {
  const id = update.update_id;
  if ('message' in update) return fromMessage(id, update.message, bot, false, false);
  if ('edited_message' in update) return fromMessage(id, update.edited_message, bot, true, false);
  if ('channel_post' in update) return fromMessage(id, update.channel_post, bot, false, true);
  if ('edited_channel_post' in update) return fromMessage(id, update.edited_channel_post, bot, true, true);
  if ('callback_query' in update) return fromButton(id, update.callback_query);
  if ('my_chat_member' in update) {
    const m = update.my_chat_member;
    return { kind: 'membership', chat: m.chat, status: m.new_chat_member.status, by: m.from };
  }
  return { kind: 'ignore' };
}

/** `/draft@herald_bot args` -> name and args; null when it is not a command or names another bot. */
export function parseCommand(text: string, botUsername: string): { name: string; args: string; addressed: boolean } | null {
  const m = COMMAND.exec(text);
  if (!m) return null;
  if (m[2] && m[2].toLowerCase() !== botUsername.toLowerCase()) return null;
  return { name: m[1]!.toLowerCase(), args: text.slice(m[0].length).trim(), addressed: !!m[2] };
}

function actorOf(message: Message): Actor | null {
  const from = message.from;
  if (message.sender_chat || (from && STAND_INS.has(from.id))) {
    const chat = message.sender_chat ?? message.chat;
    const title = 'title' in chat ? chat.title : 'anonymous';
    return { platform: 'telegram', userId: String(chat.id), displayName: title, anonymous: true };
  }
  if (!from || from.is_bot) return null;
  return { platform: 'telegram', userId: String(from.id), displayName: displayName(from) };
}

function fromMessage(updateId: number, message: Message, bot: BotIdentity, edited: boolean, channel: boolean): Intent {
  if (!('text' in message) || typeof message.text !== 'string') return { kind: 'ignore' };
  const text = message.text;
  const actor = actorOf(message);
  if (!actor) return { kind: 'ignore' };
  const origin: Origin = {
    chatId: String(message.chat.id),
    chatType: message.chat.type,
    messageId: message.message_id,
    ...(message.from ? { user: message.from } : {}),
    ...('reply_to_message' in message && message.reply_to_message && !isTopicStart(message) ? { repliedTo: message.reply_to_message as Message } : {}),
    ...(message.is_topic_message && message.message_thread_id !== undefined ? { threadId: message.message_thread_id } : {}),
  };
  const key = `${origin.chatId}:${message.message_id}${edited && 'edit_date' in message ? `:e${message.edit_date}` : ''}`;
  const base = { platform: 'telegram' as const, eventId: telegramEventId(updateId, key), chatId: origin.chatId, actor, raw: text, ...(edited ? { edited: true } : {}) };
  const command = parseCommand(text, bot.username);
  if (command) {
    const isPrivate = message.chat.type === 'private';
    // Other bots in a shared group have commands too: there herald takes its own and those addressed to it.
    const ours = command.addressed || COMMANDS[command.name] !== undefined;
    if (!ours && !isPrivate && origin.chatId !== bot.commsChatId) return { kind: 'ignore' };
    // Telegram's Start button sends /start: the help is the right first answer.
    const name = isPrivate && command.name === 'start' ? 'help' : command.name;
    return { kind: 'event', event: { ...base, name, args: { text: command.args }, via: 'command' }, origin };
  }
  const prompt = !edited && !channel ? reasonFor(message, bot) : null;
  if (prompt) {
    return { kind: 'event', event: { ...base, name: 'reject', args: { fields: { draft: String(prompt.draftId), reason: text.trim() } }, via: 'button', revision: prompt.revision }, origin };
  }
  return { kind: 'ignore' };
}

/** In a forum every message of a topic "replies" to the topic's first message; that is not a reply. */
const isTopicStart = (message: Message) =>
  message.is_topic_message === true && 'reply_to_message' in message && message.reply_to_message?.message_id === message.message_thread_id;

function reasonFor(message: Message, bot: BotIdentity): { draftId: number; revision: number } | null {
  const replied = 'reply_to_message' in message ? (message.reply_to_message as Message | undefined) : undefined;
  // Only the bot's own prompt counts: nobody else can write a message "from" the bot.
  if (!replied || replied.from?.id !== bot.id || !('text' in replied)) return null;
  const m = PROMPT.exec(replied.text);
  return m ? { draftId: Number(m[1]), revision: Number(m[2]) } : null;
}

function fromButton(updateId: number, query: CallbackQuery): Intent {
  const message = query.message;
  const data = 'data' in query ? query.data : undefined;
  const press = data ? decodeButton(data) : null;
  if (!message || !press || !data) return { kind: 'staleButton', origin: { chatId: message ? String(message.chat.id) : String(query.from.id), chatType: message?.chat.type ?? 'private', callbackQueryId: query.id } };
  const threadId = 'is_topic_message' in message && message.is_topic_message ? message.message_thread_id : undefined;
  const origin = {
    chatId: String(message.chat.id),
    chatType: message.chat.type,
    user: query.from,
    callbackQueryId: query.id,
    buttonMessageId: message.message_id,
    ...(threadId !== undefined ? { threadId } : {}),
  };
  const actor: Actor = { platform: 'telegram', userId: String(query.from.id), displayName: displayName(query.from) };
  const { draftId, revision } = press;
  if (press.action === 'reject') return { kind: 'askReason', draftId, revision, data, origin, actor, updateId };
  return {
    kind: 'event',
    event: { platform: 'telegram', eventId: telegramEventId(updateId, `cb:${query.id}`), chatId: origin.chatId, actor, name: 'approve', args: { fields: { draft: String(draftId) } }, raw: data, via: 'button', revision },
    origin,
  };
}
