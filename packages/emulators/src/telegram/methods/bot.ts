import type { Params } from '../params';
import type { CallbackAnswer, Handler } from '../bot-api';
import { badRequest } from '../api-errors';
import type { BotCommand } from '../types';

/** The bot itself: getMe, its command menus, and callback query answers. */

const getMe: Handler = ({ core }) => ({
  ...core.state.bot,
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
});

const SCOPES = new Set([
  'default', 'all_private_chats', 'all_group_chats', 'all_chat_administrators', 'chat', 'chat_administrators', 'chat_member',
]);

/** setMyCommands stores one list per (scope, language); getMyCommands reads that exact slot. */
function commandSlot(params: Params): string {
  const scope = params.json<{ type?: string; chat_id?: number | string; user_id?: number }>('scope') ?? { type: 'default' };
  const type = scope.type ?? '';
  if (!SCOPES.has(type)) throw badRequest('wrong bot command scope type specified');
  if (type.startsWith('chat') && scope.chat_id === undefined) throw badRequest('chat_id is empty');
  if (type === 'chat_member' && scope.user_id === undefined) throw badRequest('user_id is empty');
  const lang = params.str('language_code') ?? '';
  if (lang !== '' && !/^[a-z]{2}$/.test(lang)) throw badRequest('invalid language code specified');
  return commandSlotKey({ ...scope, type }, lang);
}

export function commandSlotKey(
  scope: { type: string; chat_id?: number | string | undefined; user_id?: number | undefined } | undefined,
  lang = '',
): string {
  const s = scope ?? { type: 'default' };
  return JSON.stringify([s.type, s.chat_id === undefined ? null : String(s.chat_id), s.user_id ?? null, lang]);
}

// tdlib's checks (td/telegram/BotCommand.cpp), then the server's own BOT_COMMAND_INVALID.
function checkCommand(raw: unknown): BotCommand {
  const c = (raw ?? {}) as Partial<BotCommand>;
  let command = String(c.command ?? '').trim();
  if (command.startsWith('/')) command = command.slice(1);
  const description = String(c.description ?? '').trim();
  if (!command) throw badRequest('command must be non-empty');
  if ([...command].length > 32) throw badRequest('command length must not exceed 32');
  if (!description) throw badRequest('command description must be non-empty');
  if ([...description].length > 256) throw badRequest('command description length must not exceed 256');
  if (!/^[a-z0-9_]+$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
  return { command, description };
}

const setMyCommands: Handler = ({ params, core }) => {
  const list = params.json<unknown>('commands');
  if (!Array.isArray(list)) throw badRequest("can't parse commands JSON object");
  if (list.length > 100) throw badRequest('too many commands specified');
  const commands = list.map(checkCommand);
  const slot = commandSlot(params);
  if (commands.length === 0) core.commands.delete(slot);
  else core.commands.set(slot, commands);
  return true;
};

const getMyCommands: Handler = ({ params, core }) => core.commands.get(commandSlot(params)) ?? [];

const deleteMyCommands: Handler = ({ params, core }) => {
  core.commands.delete(commandSlot(params));
  return true;
};

const answerCallbackQuery: Handler = ({ params, core }) => {
  const id = params.str('callback_query_id') ?? '';
  const known = core.callbackQueries.get(id);
  // Telegram refuses a second answer the same way as an unknown id.
  if (!known || known.answered) {
    throw badRequest('query is too old and response timeout expired or query ID is invalid');
  }
  const text = params.str('text');
  if (text !== undefined && [...text].length > 200) throw badRequest('MESSAGE_TOO_LONG');
  known.answered = true;
  const answer: CallbackAnswer = { callback_query_id: id, show_alert: params.bool('show_alert'), at: Date.now() };
  if (text !== undefined) answer.text = text;
  const url = params.str('url');
  if (url !== undefined) answer.url = url;
  const cacheTime = params.int('cache_time');
  if (cacheTime !== undefined) answer.cache_time = cacheTime;
  core.callbackAnswers.push(answer);
  core.emit('callbackAnswer', answer);
  return true;
};

const accepted: Handler = () => true;

export const botMethods: Record<string, Handler> = {
  getMe,
  logOut: accepted,
  close: accepted,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  setMyDescription: accepted,
  setMyShortDescription: accepted,
  setMyName: accepted,
  setChatMenuButton: accepted,
  setMyDefaultAdministratorRights: accepted,
  answerCallbackQuery,
};
