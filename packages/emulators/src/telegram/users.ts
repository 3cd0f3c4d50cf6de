import type { BotApi } from './bot-api';
import type { ChatRecord } from './state';
import { fixFormattedText } from './text';
import {
  GROUP_ANONYMOUS_BOT,
  type AdminRights,
  type ChatMember,
  type InlineKeyboardButton,
  type MemberStatus,
  type MessageEntity,
  type StoredMessage,
  type Update,
  type User,
} from './types';

/**
 * What people do on the Telegram side: write, edit, press buttons, post in channels,
 * add or remove the bot. Each action stores what Telegram would store and queues the
 * update the bot would receive. Misuse (an unknown chat, a button that is not there)
 * throws a plain Error: it is a bug in the test, not something Telegram would answer.
 */

export type Sender = number | 'anonymousAdmin';

export interface UserMessageInput {
  /** Defaults to the sender's private chat. */
  chatId?: number | string;
  from: Sender;
  text: string;
  replyToMessageId?: number;
  /** Explicit entities; otherwise Telegram's own detection (bot_command, url, mention...) applies. */
  entities?: MessageEntity[];
}

export interface ButtonPressInput {
  chatId: number | string;
  messageId: number;
  from: number;
  data: string;
  /** Send data no button carries (a forged or stale client); by default that is a test error. */
  force?: boolean;
}

function chatOf(core: BotApi, chatId: number | string | undefined, from: Sender): ChatRecord {
  const id = chatId ?? (typeof from === 'number' ? from : undefined);
  const chat = core.state.findChat(id);
  if (!chat) throw new Error(`telegram emulator: unknown chat ${String(id)}`);
  return chat;
}

function userOf(core: BotApi, id: number): User {
  const user = core.state.users.get(id);
  if (!user) throw new Error(`telegram emulator: unknown user ${id} (add it to options.users)`);
  return user;
}

function queue(core: BotApi, update: Update): Update {
  core.queue.enqueue(update);
  core.emit('update', update);
  return update;
}

function formatted(text: string, entities: MessageEntity[] | undefined) {
  const fixed = fixFormattedText({ text, entities: entities ?? [] }, entities === undefined);
  if (!fixed) throw new Error('telegram emulator: Telegram clients cannot send an empty message');
  return fixed;
}

export function sendUserMessage(core: BotApi, input: UserMessageInput): Update {
  const chat = chatOf(core, input.chatId, input.from);
  if (chat.type === 'channel') throw new Error('telegram emulator: use channelPost() for channels');
  if (input.from === 'anonymousAdmin' && chat.type !== 'group' && chat.type !== 'supergroup') {
    throw new Error('telegram emulator: only group admins can post anonymously');
  }
  if (typeof input.from === 'number') userOf(core, input.from);
  if (input.replyToMessageId !== undefined && !chat.messages.has(input.replyToMessageId)) {
    throw new Error(`telegram emulator: no message ${input.replyToMessageId} in chat ${chat.id}`);
  }
  const { text, entities } = formatted(input.text, input.entities);
  const fields: Parameters<typeof core.state.addMessage>[1] = { sender: input.from, text, entities };
  if (input.replyToMessageId !== undefined) fields.reply_to_message_id = input.replyToMessageId;
  const stored = core.state.addMessage(chat, fields);
  return queue(core, { update_id: core.queue.newId(), message: core.state.messageJson(chat, stored) });
}

export function editUserMessage(core: BotApi, input: { chatId: number | string; messageId: number; text: string; entities?: MessageEntity[] }): Update {
  const chat = chatOf(core, input.chatId, 0);
  const stored = chat.messages.get(input.messageId);
  if (!stored || stored.deleted || stored.sender === 'bot' || stored.sender === 'service') {
    throw new Error(`telegram emulator: no user message ${input.messageId} in chat ${chat.id}`);
  }
  const { text, entities } = formatted(input.text, input.entities);
  stored.history.push({ text: stored.text, entities: stored.entities });
  stored.text = text;
  stored.entities = entities;
  stored.edited = true;
  stored.edit_date = Math.floor(Date.now() / 1000);
  const json = core.state.messageJson(chat, stored);
  const key = chat.type === 'channel' ? 'edited_channel_post' : 'edited_message';
  return queue(core, { update_id: core.queue.newId(), [key]: json });
}

export function channelPost(core: BotApi, input: { chatId: number | string; text: string; entities?: MessageEntity[] }): Update {
  const chat = chatOf(core, input.chatId, 0);
  if (chat.type !== 'channel') throw new Error(`telegram emulator: chat ${chat.id} is not a channel`);
  const { text, entities } = formatted(input.text, input.entities);
  const stored = core.state.addMessage(chat, { sender: 'channel', text, entities });
  return queue(core, { update_id: core.queue.newId(), channel_post: core.state.messageJson(chat, stored) });
}

let nextQueryId = 4_380_000_000_000_000_000n;

export function pressButton(core: BotApi, input: ButtonPressInput): Update {
  const chat = chatOf(core, input.chatId, input.from);
  const from = userOf(core, input.from);
  const stored: StoredMessage | undefined = chat.messages.get(input.messageId);
  if (!stored) throw new Error(`telegram emulator: no message ${input.messageId} in chat ${chat.id}`);
  const markup = stored.reply_markup as { inline_keyboard?: InlineKeyboardButton[][] } | undefined;
  const keyboard = markup?.inline_keyboard ?? [];
  const present = keyboard.some((row) => row.some((b) => b.callback_data === input.data));
  if (!present && !input.force && !stored.deleted) {
    throw new Error(`telegram emulator: message ${input.messageId} has no button with callback_data ${JSON.stringify(input.data)}`);
  }
  const id = String(nextQueryId++);
  const message = stored.deleted
    ? { chat: core.state.chatJson(chat), message_id: stored.message_id, date: 0 as const }
    : core.state.messageJson(chat, stored);
  // chat_instance is a stable opaque id per chat; any fixed string per chat behaves the same.
  const query = { id, from, message, chat_instance: String(BigInt(chat.id) * 7919n + 104729n), data: input.data };
  core.callbackQueries.set(id, { query, answered: false });
  return queue(core, { update_id: core.queue.newId(), callback_query: query });
}

/** Changes the bot's membership, queueing the my_chat_member update Telegram sends. */
export function setBotStatus(
  core: BotApi,
  input: { chatId: number | string; status: MemberStatus; rights?: Partial<AdminRights>; by?: number },
): Update {
  const chat = chatOf(core, input.chatId, 0);
  const before: ChatMember = core.state.memberJson(chat, core.state.bot.id);
  chat.botStatus = input.status;
  if (input.rights) chat.botRights = { ...chat.botRights, ...input.rights };
  const after: ChatMember = core.state.memberJson(chat, core.state.bot.id);
  if (input.status === 'kicked') after.until_date = 0;
  const by = input.by ?? chat.admins[0];
  const from = by !== undefined ? core.state.users.get(by) ?? GROUP_ANONYMOUS_BOT : GROUP_ANONYMOUS_BOT;
  return queue(core, {
    update_id: core.queue.newId(),
    my_chat_member: {
      chat: core.state.chatJson(chat),
      from,
      date: Math.floor(Date.now() / 1000),
      old_chat_member: before,
      new_chat_member: after,
    },
  });
}

/** Queues the very same update again (same update_id): Telegram's at-least-once delivery. */
export function redeliver(core: BotApi, update: Update): void {
  core.queue.enqueue(update, true);
  core.emit('update', update);
}
