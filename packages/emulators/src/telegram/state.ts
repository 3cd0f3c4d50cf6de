import { badRequest, chatNotFound } from './api-errors';
import {
  GROUP_ANONYMOUS_BOT,
  type AdminRights,
  type Chat,
  type ChatConfig,
  type ChatMember,
  type MemberStatus,
  type Message,
  type StoredMessage,
  type User,
  type UserConfig,
} from './types';

/** Everything the emulator remembers: the bot, users, chats and every message in them. */

export const FULL_RIGHTS: AdminRights = {
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: true,
  can_restrict_members: true,
  can_promote_members: false,
  can_change_info: true,
  can_invite_users: true,
  can_post_stories: false,
  can_edit_stories: false,
  can_delete_stories: false,
  can_post_messages: true,
  can_edit_messages: true,
  can_pin_messages: true,
};

export class ChatRecord {
  nextMessageId = 1;
  pinOrder: number[] = [];
  readonly messages = new Map<number, StoredMessage>();
  botStatus: MemberStatus;
  botRights: AdminRights;
  admins: number[];

  constructor(readonly config: ChatConfig) {
    const isPrivate = config.type === 'private';
    this.botStatus = config.bot?.status ?? (isPrivate ? 'member' : 'administrator');
    this.botRights = { ...FULL_RIGHTS, ...config.bot?.rights };
    this.admins = [...(config.admins ?? [])];
  }

  get id() {
    return this.config.id;
  }
  get type() {
    return this.config.type;
  }

  /** Rights only count while the bot is an administrator. */
  can(right: keyof AdminRights): boolean {
    if (this.type === 'private') return true;
    return this.botStatus === 'administrator' && this.botRights[right] === true;
  }

  /** Pinned messages, oldest pin first (getChat shows the last one). */
  pinnedIds(): number[] {
    return this.pinOrder.filter((id) => {
      const m = this.messages.get(id);
      return m !== undefined && m.pinned && !m.deleted;
    });
  }
}

export class State {
  readonly bot: User;
  readonly users = new Map<number, User>();
  readonly chats = new Map<number, ChatRecord>();

  constructor(bot: { id: number; username: string; first_name?: string }, users: UserConfig[], chats: ChatConfig[]) {
    this.bot = { id: bot.id, is_bot: true, first_name: bot.first_name ?? 'Herald', username: bot.username };
    for (const u of users) this.addUser(u);
    for (const c of chats) this.addChat(c);
  }

  addUser(u: UserConfig): User {
    const user: User = { id: u.id, is_bot: false, first_name: u.first_name };
    if (u.last_name) user.last_name = u.last_name;
    if (u.username) user.username = u.username;
    if (u.language_code) user.language_code = u.language_code;
    this.users.set(u.id, user);
    return user;
  }

  addChat(c: ChatConfig): ChatRecord {
    const record = new ChatRecord(c);
    this.chats.set(c.id, record);
    return record;
  }

  /** A user's private chat with the bot exists once the user is known (they pressed Start). */
  private privateChat(userId: number): ChatRecord | undefined {
    const existing = this.chats.get(userId);
    if (existing) return existing;
    const user = this.users.get(userId);
    if (!user) return undefined;
    const config: ChatConfig = { id: userId, type: 'private' };
    if (user.username) config.username = user.username;
    return this.addChat(config);
  }

  findChat(id: number | string | undefined): ChatRecord | undefined {
    if (id === undefined || id === '') return undefined;
    const text = String(id).trim();
    if (text.startsWith('@')) {
      const name = text.slice(1).toLowerCase();
      return [...this.chats.values()].find(
        (c) => c.type !== 'private' && c.config.username?.toLowerCase() === name,
      );
    }
    if (!/^-?\d+$/.test(text)) return undefined;
    const numeric = Number(text);
    return this.chats.get(numeric) ?? (numeric > 0 ? this.privateChat(numeric) : undefined);
  }

  /** Resolves a chat_id parameter or refuses it the way Telegram does. */
  chat(id: number | string | undefined): ChatRecord {
    if (id === undefined || id === '') throw badRequest('chat_id is empty');
    const chat = this.findChat(id);
    if (!chat) throw chatNotFound();
    return chat;
  }

  user(id: number): User {
    const user = this.users.get(id);
    if (!user) throw badRequest('user not found');
    return user;
  }

  chatJson(chat: ChatRecord): Chat {
    const c = chat.config;
    if (c.type === 'private') {
      const user = this.users.get(c.id);
      const json: Chat = { id: c.id, first_name: user?.first_name ?? '', type: 'private' };
      if (user?.last_name) json.last_name = user.last_name;
      if (user?.username) json.username = user.username;
      return json;
    }
    const json: Chat = { id: c.id, title: c.title ?? `Chat ${c.id}`, type: c.type };
    if (c.username) json.username = c.username;
    return json;
  }

  memberJson(chat: ChatRecord, userId: number): ChatMember {
    if (userId === this.bot.id) {
      if (chat.botStatus === 'administrator') {
        return { status: 'administrator', user: this.bot, can_be_edited: false, ...chat.botRights };
      }
      return { status: chat.botStatus, user: this.bot };
    }
    const user = this.user(userId);
    const index = chat.admins.indexOf(userId);
    if (index === 0) return { status: 'creator', user, is_anonymous: false };
    if (index > 0) return { status: 'administrator', user, can_be_edited: false, ...FULL_RIGHTS };
    if (chat.type === 'private' && chat.id !== userId) return { status: 'left', user };
    return { status: 'member', user };
  }

  addMessage(chat: ChatRecord, m: Omit<StoredMessage, 'message_id' | 'chatId' | 'date' | 'pinned' | 'edited' | 'deleted' | 'history'>): StoredMessage {
    const stored: StoredMessage = {
      message_id: chat.nextMessageId++,
      chatId: chat.id,
      date: Math.floor(Date.now() / 1000),
      pinned: false,
      edited: false,
      deleted: false,
      history: [],
      ...m,
    };
    chat.messages.set(stored.message_id, stored);
    return stored;
  }

  /** The Bot API Message object for a stored message, with its replied-to message one level deep. */
  messageJson(chat: ChatRecord, m: StoredMessage, depth = 0): Message {
    // Keys in Telegram's order: message_id, from/sender_chat, chat, date, then content.
    const json = { message_id: m.message_id } as Message;
    const chatJson = this.chatJson(chat);
    if (m.sender === 'bot' || m.sender === 'service') {
      if (chat.type === 'channel') json.sender_chat = chatJson;
      else json.from = this.bot;
    } else if (m.sender === 'channel') {
      json.sender_chat = chatJson;
    } else if (m.sender === 'anonymousAdmin') {
      json.from = GROUP_ANONYMOUS_BOT;
      json.sender_chat = chatJson;
    } else {
      json.from = this.users.get(m.sender) ?? { id: m.sender, is_bot: false, first_name: '' };
    }
    json.chat = chatJson;
    json.date = m.date;
    if (m.edit_date !== undefined) json.edit_date = m.edit_date;
    if (depth === 0 && m.reply_to_message_id !== undefined) {
      const replied = chat.messages.get(m.reply_to_message_id);
      if (replied && !replied.deleted) json.reply_to_message = this.messageJson(chat, replied, 1);
    }
    if (m.pinnedMessageId !== undefined) {
      const pinned = chat.messages.get(m.pinnedMessageId);
      if (pinned) json.pinned_message = this.messageJson(chat, pinned, 1);
    } else if (m.media) {
      const id = typeof m.media.file === 'string' ? m.media.file : `emu-${chat.id}-${m.message_id}`;
      const size = typeof m.media.file === 'string' ? 0 : m.media.file.size;
      if (m.media.type === 'photo') {
        json.photo = [{ file_id: id, file_unique_id: id, width: 1280, height: 720, file_size: size }];
      } else {
        const name = typeof m.media.file === 'string' ? 'document' : m.media.file.filename;
        json.document = { file_id: id, file_unique_id: id, file_name: name, file_size: size };
      }
      if (m.text) json.caption = m.text;
      if (m.entities.length) json.caption_entities = m.entities;
    } else {
      json.text = m.text;
      if (m.entities.length) json.entities = m.entities;
    }
    if (m.link_preview_options) json.link_preview_options = m.link_preview_options;
    if (m.reply_markup && 'inline_keyboard' in m.reply_markup) json.reply_markup = m.reply_markup;
    return json;
  }
}
