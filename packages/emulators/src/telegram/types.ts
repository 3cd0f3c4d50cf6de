/**
 * Shapes the emulator speaks. They follow the Bot API JSON field names (snake_case)
 * because they are what goes over the wire; only the emulator's own bookkeeping
 * (StoredMessage, RecordedRequest) uses camelCase.
 */

export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

export interface User {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface Chat {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
}

export interface MessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  user?: User;
  language?: string;
  custom_emoji_id?: string;
}

export interface InlineKeyboardButton {
  text: string;
  callback_data?: string;
  url?: string;
  [key: string]: unknown;
}

export type ReplyMarkup =
  | { inline_keyboard: InlineKeyboardButton[][] }
  | { keyboard: unknown[][]; [key: string]: unknown }
  | { remove_keyboard: true; selective?: boolean }
  | { force_reply: true; [key: string]: unknown };

/** A Bot API Message as returned to the bot and put into updates. */
export interface Message {
  message_id: number;
  from?: User;
  sender_chat?: Chat;
  chat: Chat;
  date: number;
  edit_date?: number;
  text?: string;
  entities?: MessageEntity[];
  reply_markup?: ReplyMarkup;
  reply_to_message?: Message;
  link_preview_options?: Record<string, unknown>;
  pinned_message?: Message;
  [key: string]: unknown;
}

export interface CallbackQuery {
  id: string;
  from: User;
  message?: Message | { chat: Chat; message_id: number; date: 0 };
  chat_instance: string;
  data?: string;
}

export interface ChatMemberUpdated {
  chat: Chat;
  from: User;
  date: number;
  old_chat_member: ChatMember;
  new_chat_member: ChatMember;
}

export interface Update {
  update_id: number;
  message?: Message;
  edited_message?: Message;
  channel_post?: Message;
  edited_channel_post?: Message;
  callback_query?: CallbackQuery;
  my_chat_member?: ChatMemberUpdated;
  [key: string]: unknown;
}

export interface AdminRights {
  is_anonymous: boolean;
  can_manage_chat: boolean;
  can_delete_messages: boolean;
  can_manage_video_chats: boolean;
  can_restrict_members: boolean;
  can_promote_members: boolean;
  can_change_info: boolean;
  can_invite_users: boolean;
  can_post_stories: boolean;
  can_edit_stories: boolean;
  can_delete_stories: boolean;
  can_post_messages?: boolean;
  can_edit_messages?: boolean;
  can_pin_messages?: boolean;
  can_manage_topics?: boolean;
}

export type MemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

export interface ChatMember extends Partial<AdminRights> {
  status: MemberStatus;
  user: User;
  can_be_edited?: boolean;
  until_date?: number;
}

export interface BotCommand {
  command: string;
  description: string;
}

/** What the emulator keeps for every message in a chat (the bot's and users'). */
export interface StoredMessage {
  message_id: number;
  chatId: number;
  /**
   * 'bot' for what the bot sent, a user id for users, 'anonymousAdmin' for a group admin
   * posting as the group, 'channel' for channel posts, 'service' for pin notices.
   */
  sender: 'bot' | 'channel' | 'service' | 'anonymousAdmin' | number;
  /** Text (or caption) after entity parsing, exactly as Telegram would show it. */
  text: string;
  entities: MessageEntity[];
  /** For sendPhoto / sendDocument: what was attached (an upload, or a file_id / URL string). */
  media?: { type: 'photo' | 'document'; file: { filename: string; size: number } | string };
  /** For a service message announcing a pin. */
  pinnedMessageId?: number;
  reply_markup?: ReplyMarkup;
  reply_to_message_id?: number;
  link_preview_options?: Record<string, unknown>;
  disable_notification?: boolean;
  /** The parameters the bot sent, as sent, for assertions. */
  sentParams?: Record<string, unknown>;
  date: number;
  pinned: boolean;
  edited: boolean;
  edit_date?: number;
  deleted: boolean;
  /** Earlier versions, oldest first, when the message was edited. */
  history: Array<{ text: string; entities: MessageEntity[]; reply_markup?: ReplyMarkup }>;
}

export interface RecordedRequest {
  seq: number;
  /** Canonical Bot API method name (case as documented) when known, else as sent. */
  method: string;
  /** Parameters as received; uploaded files appear as { filename, size }. The token is never here. */
  params: Record<string, unknown>;
  /** 'webhookReply' when the method came back in the body of a webhook response. */
  via: 'http' | 'webhookReply';
  contentType: 'json' | 'form' | 'multipart' | 'query' | 'none';
  at: number;
  /** The HTTP status sent; undefined while in flight or when no answer was sent (hang, timeoutAfterStore). */
  status?: number;
  /** The body sent, or for timeoutAfterStore the one that would have been sent. */
  response?: ApiResponseBody;
  durationMs?: number;
  /** The injected fault that answered this request, if any. */
  fault?: Fault['kind'] | 'down' | 'limit';
}

export type ApiResponseBody =
  | { ok: true; result: unknown; description?: string }
  | {
      ok: false;
      error_code: number;
      description: string;
      parameters?: { retry_after?: number; migrate_to_chat_id?: number };
    };

export type Fault =
  | { kind: 'ratelimit'; retryAfterSec: number }
  | { kind: 'status'; status: 500 | 502 | 503 | 504 }
  | { kind: 'kicked' }
  | { kind: 'chatNotFound' }
  | { kind: 'notEnoughRights' }
  | { kind: 'migrated'; toChatId: number }
  /** The call takes effect but no answer comes: the socket is destroyed after destroyAfterMs, or held until the client gives up. */
  | { kind: 'timeoutAfterStore'; destroyAfterMs?: number }
  /** Nothing happens and no answer comes (same socket handling as above). */
  | { kind: 'hang'; destroyAfterMs?: number }
  /** The connection is reset before anything happens. */
  | { kind: 'reset' };

export interface FaultMatch {
  method?: string;
  chatId?: number | string;
}

export interface ChatConfig {
  id: number;
  type: ChatType;
  title?: string;
  /** Public username, without '@'. */
  username?: string;
  /** The bot's membership; groups and channels default to an administrator with every right. */
  bot?: { status: MemberStatus; rights?: Partial<AdminRights> };
  /** User ids that administer the chat; the first one is its creator. */
  admins?: number[];
}

export interface UserConfig {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface LimitsConfig {
  /** Messages per second into one chat (Telegram: "avoid more than one message per second"). */
  perChatPerSec: number;
  /** Messages per minute into one group or supergroup (Telegram: 20). */
  perGroupPerMin: number;
  /** Messages per second overall (Telegram: about 30). */
  globalPerSec: number;
}

export interface TelegramEmulatorOptions {
  /** The only token accepted; any other /bot<token>/ gets 401 Unauthorized. Defaults to DEFAULT_TOKEN. */
  token?: string;
  /** Defaults to { id: 7000000001, username: 'herald_test_bot', first_name: 'Herald' }. */
  bot?: { id: number; username: string; first_name?: string };
  /** Groups, supergroups and channels. A configured user's private chat exists without listing it. */
  chats?: ChatConfig[];
  users?: UserConfig[];
  /** Delay before every call but getUpdates is answered (benchmarks); setLatency() changes it. */
  latencyMs?: number;
  /** true: Telegram's documented limits (TELEGRAM_LIMITS); or your own numbers. Off by default. */
  enforceLimits?: boolean | Partial<LimitsConfig>;
  /** Webhook delivery: attempts per update before it is dropped (5), base retry delay (100 ms), per-POST timeout (10 s). */
  webhook?: { attempts?: number; retryDelayMs?: number; timeoutMs?: number };
  /** First update_id handed out (Telegram starts at an arbitrary positive number). */
  firstUpdateId?: number;
}

export const GROUP_ANONYMOUS_BOT: User = {
  id: 1087968824,
  is_bot: true,
  first_name: 'Group',
  username: 'GroupAnonymousBot',
};
