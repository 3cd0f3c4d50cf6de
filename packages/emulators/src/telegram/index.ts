/**
 * Loopback Telegram Bot API emulator for tests, benchmarks and sandbox mode.
 * The real telegraf client talks to it over HTTP:
 *
 *   const emu = await startTelegramEmulator({ users: [...], chats: [...] });
 *   const bot = new Telegraf(emu.token, { telegram: { apiRoot: emu.apiRoot } });
 */
export { startTelegramEmulator, TelegramEmulator, DEFAULT_TOKEN } from './emulator';
export type { CallbackAnswer } from './bot-api';
export type { ButtonPressInput, Sender, UserMessageInput } from './users';
export type { DeliveryReport } from './webhook-delivery';
export { GROUP_ANONYMOUS_BOT } from './types';
export type {
  AdminRights,
  ApiResponseBody,
  BotCommand,
  CallbackQuery,
  Chat,
  ChatConfig,
  ChatMember,
  ChatType,
  Fault,
  FaultMatch,
  LimitsConfig,
  MemberStatus,
  Message,
  MessageEntity,
  RecordedRequest,
  ReplyMarkup,
  StoredMessage,
  TelegramEmulatorOptions,
  Update,
  User,
  UserConfig,
} from './types';
