import type { Handler } from '../bot-api';
import { badRequest } from '../api-errors';
import { requireWritable } from './compose';

/** Reading chats and members, chat actions, leaving. */

const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice',
  'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);

const getChat: Handler = ({ params, core }) => {
  const chat = core.state.chat(params.str('chat_id'));
  const info: Record<string, unknown> = { ...core.state.chatJson(chat), accent_color_id: 0, max_reaction_count: 11 };
  const pinned = chat.pinnedIds().at(-1);
  if (pinned !== undefined) info.pinned_message = core.state.messageJson(chat, chat.messages.get(pinned)!);
  return info;
};

const getChatMember: Handler = ({ params, core }) => {
  const chat = core.state.chat(params.str('chat_id'));
  const userId = params.int('user_id');
  if (userId === undefined) throw badRequest('user_id is empty');
  return core.state.memberJson(chat, userId);
};

const getChatAdministrators: Handler = ({ params, core }) => {
  const chat = core.state.chat(params.str('chat_id'));
  if (chat.type === 'private') throw badRequest('there are no administrators in the private chat');
  const admins = chat.admins.filter((id) => core.state.users.has(id)).map((id) => core.state.memberJson(chat, id));
  if (chat.botStatus === 'administrator') admins.push(core.state.memberJson(chat, core.state.bot.id));
  return admins;
};

const getChatMemberCount: Handler = ({ params, core }) => {
  const chat = core.state.chat(params.str('chat_id'));
  return chat.type === 'private' ? 2 : core.state.users.size + 1;
};

const sendChatAction: Handler = ({ params, core }) => {
  const chat = core.state.chat(params.str('chat_id'));
  requireWritable(chat);
  if (!CHAT_ACTIONS.has(params.str('action') ?? '')) throw badRequest('wrong parameter action in request');
  return true;
};

const leaveChat: Handler = ({ params, core }) => {
  const chat = core.state.chat(params.str('chat_id'));
  if (chat.type === 'private') throw badRequest('chat member status can\'t be changed in private chats');
  chat.botStatus = 'left';
  return true;
};

export const chatMethods: Record<string, Handler> = {
  getChat,
  getChatMember,
  getChatAdministrators,
  getChatMemberCount,
  getChatMembersCount: getChatMemberCount,
  sendChatAction,
  leaveChat,
};
