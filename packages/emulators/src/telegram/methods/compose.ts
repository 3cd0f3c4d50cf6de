import type { Params } from '../params';
import { badRequest, kicked, notMember } from '../api-errors';
import type { ChatRecord } from '../state';
import { fixFormattedText, type FormattedText } from '../text';
import type { InlineKeyboardButton, MessageEntity, ReplyMarkup } from '../types';

/** What every message-producing method shares: access checks, text, keyboards, replies. */

export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

/** Refuses a write into a chat the bot may not post in, with Telegram's words. */
export function requireWritable(chat: ChatRecord) {
  if (chat.botStatus === 'kicked') throw kicked(chat.type);
  if (chat.botStatus === 'left') throw notMember(chat.type);
  if (chat.type === 'channel' && !chat.can('can_post_messages')) {
    throw badRequest('need administrator rights in the channel chat');
  }
}

function readEntities(params: Params, field: string): MessageEntity[] {
  const raw = params.json<unknown>(field);
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw badRequest(`can't parse entities JSON object`);
  return raw.map((e) => {
    if (!e || typeof e !== 'object' || typeof (e as MessageEntity).type !== 'string') {
      throw badRequest("can't parse MessageEntity: Field \"type\" must be of type String");
    }
    const entity = e as MessageEntity;
    return { ...entity, offset: Number(entity.offset), length: Number(entity.length) };
  });
}

/**
 * Reads text + entities the way sendMessage does; null when nothing but whitespace is left.
 * herald formats with entities only, so no parse_mode is emulated: one is refused, and a
 * change that starts sending markup fails its tests instead of passing on unparsed tags.
 */
function readFormatted(params: Params, fields: { text: string; entities: string }): FormattedText | null {
  const mode = params.str('parse_mode');
  if (mode !== undefined && mode !== '') {
    throw badRequest(`the emulator does not parse parse_mode ${mode}; send the text with ${fields.entities}, as herald does`);
  }
  return fixFormattedText({ text: params.str(fields.text) ?? '', entities: readEntities(params, fields.entities) });
}

export function readMessageText(params: Params): FormattedText {
  const text = readFormatted(params, { text: 'text', entities: 'entities' });
  if (!text) throw badRequest('message text is empty');
  if (text.text.length > TEXT_LIMIT) throw badRequest('message is too long');
  return text;
}

/** An all-whitespace caption is simply no caption. */
export function readCaption(params: Params): FormattedText {
  const caption = readFormatted(params, { text: 'caption', entities: 'caption_entities' });
  if (!caption) return { text: '', entities: [] };
  if (caption.text.length > CAPTION_LIMIT) throw badRequest('message caption is too long');
  return caption;
}

const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function checkButton(button: unknown): InlineKeyboardButton {
  if (!button || typeof button !== 'object') {
    throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  }
  const b = button as InlineKeyboardButton;
  if (typeof b.text !== 'string') throw badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
  const actions = ['callback_data', 'url', 'login_url', 'switch_inline_query', 'switch_inline_query_current_chat',
    'switch_inline_query_chosen_chat', 'callback_game', 'pay', 'web_app', 'copy_text'];
  if (!actions.some((a) => b[a] !== undefined)) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if (b.callback_data !== undefined) {
    const data = String(b.callback_data);
    if (utf8Bytes(data) < 1 || utf8Bytes(data) > 64) throw badRequest('BUTTON_DATA_INVALID');
  }
  if (b.url !== undefined) {
    let ok = false;
    try {
      ok = ['http:', 'https:', 'tg:', 'ton:'].includes(new URL(String(b.url)).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw badRequest('BUTTON_URL_INVALID');
  }
  return b;
}

export function readMarkup(params: Params): ReplyMarkup | undefined {
  const markup = params.json<unknown>('reply_markup', 'reply keyboard markup');
  if (markup === undefined) return undefined;
  if (!markup || typeof markup !== 'object' || Array.isArray(markup)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  const m = markup as Record<string, unknown>;
  if ('inline_keyboard' in m) {
    const rows = m.inline_keyboard;
    if (!Array.isArray(rows) || rows.some((r) => !Array.isArray(r))) {
      throw badRequest("can't parse inline keyboard button: Field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays");
    }
    return { inline_keyboard: (rows as unknown[][]).map((row) => row.map(checkButton)) };
  }
  if ('keyboard' in m || 'remove_keyboard' in m || 'force_reply' in m) return m as ReplyMarkup;
  throw badRequest("can't parse reply keyboard markup JSON object");
}

/** reply_parameters (Bot API 7.0) or the older reply_to_message_id; a missing target is an error unless allowed. */
export function readReplyTarget(params: Params, chat: ChatRecord): number | undefined {
  const rp = params.json<{ message_id?: number; chat_id?: number | string; allow_sending_without_reply?: boolean }>(
    'reply_parameters',
  );
  const id = rp?.message_id ?? params.int('reply_to_message_id');
  if (id === undefined) return undefined;
  const allowMissing = rp?.allow_sending_without_reply === true || params.bool('allow_sending_without_reply');
  const target = chat.messages.get(Number(id));
  if (!target || target.deleted || target.sender === 'service') {
    if (allowMissing) return undefined;
    throw badRequest('message to be replied not found');
  }
  return target.message_id;
}

export function readLinkPreview(params: Params): Record<string, unknown> | undefined {
  const options = params.json<Record<string, unknown>>('link_preview_options');
  if (options && Object.keys(options).length > 0) return options;
  if (params.bool('disable_web_page_preview')) return { is_disabled: true };
  return undefined;
}

export function requireMessageId(params: Params, name = 'message_id'): number {
  const id = params.int(name);
  if (id === undefined) throw badRequest('message identifier is not specified');
  return id;
}
