import { isDeepStrictEqual } from 'node:util';
import type { UploadedFile } from '../params';
import type { CallContext, Handler } from '../bot-api';
import { badRequest } from '../api-errors';
import type { ChatRecord } from '../state';
import type { StoredMessage } from '../types';
import {
  readCaption,
  readLinkPreview,
  readMarkup,
  readMessageText,
  readReplyTarget,
  requireMessageId,
  requireWritable,
} from './compose';

/** Sending, editing, deleting and pinning messages. */

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

function send(ctx: CallContext, chat: ChatRecord, fields: Partial<StoredMessage> & { text: string }) {
  const { params, core } = ctx;
  const replyTo = readReplyTarget(params, chat);
  const stored = core.state.addMessage(chat, {
    sender: 'bot',
    entities: [],
    sentParams: structuredClone(params.raw),
    ...fields,
  });
  if (replyTo !== undefined) stored.reply_to_message_id = replyTo;
  if (params.bool('disable_notification')) stored.disable_notification = true;
  core.emit('message', stored);
  return core.state.messageJson(chat, stored);
}

function writableChat(ctx: CallContext): ChatRecord {
  const chat = ctx.core.state.chat(ctx.params.str('chat_id'));
  requireWritable(chat);
  return chat;
}

const sendMessage: Handler = (ctx) => {
  const chat = writableChat(ctx);
  const { text, entities } = readMessageText(ctx.params);
  const markup = readMarkup(ctx.params);
  const preview = readLinkPreview(ctx.params);
  const fields: Partial<StoredMessage> & { text: string } = { text, entities };
  if (markup) fields.reply_markup = markup;
  if (preview && entities.some((e) => e.type === 'url' || e.type === 'text_link')) fields.link_preview_options = preview;
  return send(ctx, chat, fields);
};

function sendMedia(type: 'photo' | 'document'): Handler {
  return (ctx) => {
    const chat = writableChat(ctx);
    const file = ctx.params.raw[type];
    if (file === undefined || file === null || file === '') throw badRequest(`there is no ${type} in the request`);
    const caption = readCaption(ctx.params);
    const markup = readMarkup(ctx.params);
    const media: StoredMessage['media'] = {
      type,
      file: typeof file === 'string' ? file : { filename: (file as UploadedFile).filename, size: (file as UploadedFile).size },
    };
    const fields: Partial<StoredMessage> & { text: string } = { text: caption.text, entities: caption.entities, media };
    if (markup) fields.reply_markup = markup;
    return send(ctx, chat, fields);
  };
}

/** The bot's own, undeleted message, or Telegram's refusal for an edit. */
function editable(ctx: CallContext): { chat: ChatRecord; message: StoredMessage } {
  if (ctx.params.has('inline_message_id')) throw badRequest('MESSAGE_ID_INVALID');
  const chat = ctx.core.state.chat(ctx.params.str('chat_id'));
  if (chat.botStatus === 'kicked' || chat.botStatus === 'left') requireWritable(chat);
  const id = requireMessageId(ctx.params);
  const message = chat.messages.get(id);
  if (!message || message.deleted || message.sender === 'service') throw badRequest('message to edit not found');
  if (message.sender !== 'bot') throw badRequest("message can't be edited");
  return { chat, message };
}

function applyEdit(ctx: CallContext, chat: ChatRecord, message: StoredMessage, next: Pick<StoredMessage, 'text' | 'entities' | 'reply_markup'>) {
  const same =
    message.text === next.text &&
    isDeepStrictEqual(message.entities, next.entities) &&
    isDeepStrictEqual(message.reply_markup ?? null, next.reply_markup ?? null);
  if (same) throw badRequest(NOT_MODIFIED);
  const before: StoredMessage['history'][number] = { text: message.text, entities: message.entities };
  if (message.reply_markup) before.reply_markup = message.reply_markup;
  message.history.push(before);
  message.text = next.text;
  message.entities = next.entities;
  // An edit without reply_markup removes the inline keyboard, as on Telegram.
  if (next.reply_markup) message.reply_markup = next.reply_markup;
  else delete message.reply_markup;
  message.edited = true;
  message.edit_date = Math.floor(Date.now() / 1000);
  ctx.core.emit('edit', message);
  return ctx.core.state.messageJson(chat, message);
}

const editMessageText: Handler = (ctx) => {
  const { chat, message } = editable(ctx);
  if (message.media) throw badRequest('there is no text in the message to edit');
  const { text, entities } = readMessageText(ctx.params);
  const preview = readLinkPreview(ctx.params);
  if (preview) message.link_preview_options = preview;
  return applyEdit(ctx, chat, message, { text, entities, reply_markup: readMarkup(ctx.params) });
};

const editMessageCaption: Handler = (ctx) => {
  const { chat, message } = editable(ctx);
  if (!message.media) throw badRequest('there is no caption in the message to edit');
  const { text, entities } = readCaption(ctx.params);
  return applyEdit(ctx, chat, message, { text, entities, reply_markup: readMarkup(ctx.params) });
};

const editMessageReplyMarkup: Handler = (ctx) => {
  const { chat, message } = editable(ctx);
  return applyEdit(ctx, chat, message, { text: message.text, entities: message.entities, reply_markup: readMarkup(ctx.params) });
};

function deleteOne(ctx: CallContext, chat: ChatRecord, id: number): boolean {
  const message = chat.messages.get(id);
  if (!message || message.deleted) return false;
  const own = message.sender === 'bot' || message.sender === 'service';
  if (!own && chat.type !== 'private' && !chat.can('can_delete_messages')) throw badRequest("message can't be deleted");
  message.deleted = true;
  message.pinned = false;
  ctx.core.emit('delete', message);
  return true;
}

const deleteMessage: Handler = (ctx) => {
  const chat = ctx.core.state.chat(ctx.params.str('chat_id'));
  if (chat.botStatus === 'kicked' || chat.botStatus === 'left') requireWritable(chat);
  if (!deleteOne(ctx, chat, requireMessageId(ctx.params))) throw badRequest('message to delete not found');
  return true;
};

const deleteMessages: Handler = (ctx) => {
  const chat = ctx.core.state.chat(ctx.params.str('chat_id'));
  const ids = ctx.params.json<unknown>('message_ids');
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100) throw badRequest('message identifiers are not specified');
  const deleted = ids.map((id) => deleteOne(ctx, chat, Number(id)));
  if (!deleted.some(Boolean)) throw badRequest('message to delete not found');
  return true;
};

function requirePinRights(chat: ChatRecord) {
  requireWritable(chat);
  const allowed = chat.type === 'private' || (chat.type === 'channel' ? chat.can('can_edit_messages') : chat.can('can_pin_messages'));
  if (!allowed) throw badRequest('not enough rights to manage pinned messages in the chat');
}

const pinChatMessage: Handler = (ctx) => {
  const chat = ctx.core.state.chat(ctx.params.str('chat_id'));
  requirePinRights(chat);
  const id = requireMessageId(ctx.params);
  const message = chat.messages.get(id);
  if (!message || message.deleted || message.sender === 'service') throw badRequest('message to pin not found');
  message.pinned = true;
  chat.pinOrder = [...chat.pinOrder.filter((p) => p !== id), id];
  // Telegram announces a pin with a service message in the chat.
  ctx.core.state.addMessage(chat, { sender: 'service', text: '', entities: [], pinnedMessageId: id });
  ctx.core.emit('pin', message);
  return true;
};

function unpin(ctx: CallContext, chat: ChatRecord, id: number) {
  const message = chat.messages.get(id);
  if (!message?.pinned) return;
  message.pinned = false;
  chat.pinOrder = chat.pinOrder.filter((p) => p !== id);
  ctx.core.emit('unpin', message);
}

const unpinChatMessage: Handler = (ctx) => {
  const chat = ctx.core.state.chat(ctx.params.str('chat_id'));
  requirePinRights(chat);
  const id = ctx.params.int('message_id') ?? chat.pinnedIds().at(-1);
  if (id !== undefined) unpin(ctx, chat, id);
  return true;
};

const unpinAllChatMessages: Handler = (ctx) => {
  const chat = ctx.core.state.chat(ctx.params.str('chat_id'));
  requirePinRights(chat);
  for (const id of chat.pinnedIds()) unpin(ctx, chat, id);
  return true;
};

export const messageMethods: Record<string, Handler> = {
  sendMessage,
  sendPhoto: sendMedia('photo'),
  sendDocument: sendMedia('document'),
  editMessageText,
  editMessageCaption,
  editMessageReplyMarkup,
  deleteMessage,
  deleteMessages,
  pinChatMessage,
  unpinChatMessage,
  unpinAllChatMessages,
};
