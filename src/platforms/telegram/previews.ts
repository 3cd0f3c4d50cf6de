import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { Platform } from '../../config/types';
import type { HeaderFace, PreviewSurface } from '../../core/port';
import { xThreadText, type DraftView } from '../../core/previews/view';
import { sleep } from '../../core/delivery/backoff';
import type { TelegramApi } from './api';
import { isMessageGone, isNotModified, isTelegramError, retryAfterMs, toHeraldError } from './errors';
import { messageLink } from './links';
import { bold, join, NO_LINK_PREVIEW, pack, plain, splitText, withCode, type OutText } from './format';
import type { ChatSender } from './sender';

/**
 * A preview is a header message (state, approvals, lengths, deliveries) carrying the Approve /
 * Reject buttons while they apply, followed by the statement as each of the severity's
 * platforms will receive it. The header is edited as things change; the statement is not.
 */

type Header = OutText & { markup: InlineKeyboardMarkup | undefined };

/** Telegram's rendering of the core's preview buttons; an older or closed preview has none. */
export function keyboard(face: Pick<HeaderFace, 'buttons'>): InlineKeyboardMarkup | undefined {
  if (!face.buttons.length) return undefined;
  return { inline_keyboard: [face.buttons.map((b) => ({ text: b.action === 'approve' ? '✅ Approve' : '❌ Reject', callback_data: b.id }))] };
}

export const headerMessage = (face: HeaderFace): Header => ({ ...headerOut(face), markup: keyboard(face) });

/**
 * herald's wording in the header marks code as `backticks`, which Telegram would show as they
 * are; they become code entities. A retraction's public notice quoted in it is left verbatim:
 * the approver must read exactly what the channel will, backticks and all.
 */
function headerOut(face: HeaderFace): OutText {
  const notice = face.view.notice && 'plain' in face.view.notice ? face.view.notice.plain : '';
  const at = notice ? face.text.indexOf(`\n${notice}`) + 1 : 0;
  if (!at) return withCode(face.text);
  return join([withCode(face.text.slice(0, at)), plain(notice), withCode(face.text.slice(at + notice.length))], '');
}

/** The platforms the statement reaches (the core's view says which), Telegram's own first. */
export function platformsOf(view: DraftView): Platform[] {
  const used = new Set(view.platforms.map((p) => p.platform));
  return (['telegram', 'discord', 'x'] as const).filter((p) => used.has(p));
}

export function statementMessages(view: DraftView, platforms: Platform[]): OutText[] {
  const pieces: OutText[] = [];
  const labelled = (label: string, body: OutText) => {
    const combined = join([bold(label), body], '\n');
    // A statement part may use the whole limit; its label then goes on its own.
    if (combined.text.length <= 4096) pieces.push(combined);
    else pieces.push(bold(label), body);
  };
  for (const p of platforms) {
    if (p === 'telegram') {
      const parts = view.rendered.telegram;
      parts.forEach((part, i) => labelled(`Telegram${parts.length > 1 ? ` (message ${i + 1} of ${parts.length})` : ''}, as posted:`, part));
    } else if (p === 'discord') {
      const parts = view.rendered.discord;
      parts.forEach((text, i) => labelled(`Discord${parts.length > 1 ? ` (message ${i + 1} of ${parts.length})` : ''}, Markdown as sent:`, plain(text)));
    } else if (view.rendered.x.length === 0) {
      pieces.push(bold('X: unchanged, nothing posted.'));
    } else {
      const chunks = splitText(xThreadText(view));
      chunks.forEach((text, i) => labelled(i ? 'X (continued):' : `X, ${view.rendered.x.length > 1 ? `thread of ${view.rendered.x.length} posts` : '1 post'}:`, plain(text)));
    }
  }
  return pack(pieces);
}

/**
 * What the core's preview keeper needs from Telegram. A 429 on an edit is waited out here
 * (within delivery.max_wait_ms), since an edit has no worker to retry it.
 */
export function telegramSurface(api: TelegramApi, sender: ChatSender, maxWaitMs: number, stopping: AbortSignal): PreviewSurface<Header> {
  return {
    platform: 'telegram',
    render: (face) => ({ text: face.text, body: headerMessage(face) }),
    async edit(chatId, messageId, body) {
      // Without reply_markup Telegram removes the buttons, which is what a closed or older preview needs.
      const payload = {
        chat_id: chatId,
        message_id: Number(messageId),
        text: body.text,
        link_preview_options: NO_LINK_PREVIEW,
        ...(body.entities.length ? { entities: body.entities } : {}),
        ...(body.markup ? { reply_markup: body.markup } : {}),
      };
      for (let attempt = 1; ; attempt++) {
        try {
          await api.call('editMessageText', payload);
          return 'edited';
        } catch (error) {
          if (isNotModified(error)) return 'unchanged';
          if (isMessageGone(error)) return 'gone';
          const waitMs = isTelegramError(error) && error.code === 429 ? retryAfterMs(error) : undefined;
          if (waitMs === undefined || waitMs > maxWaitMs || attempt === 3) {
            throw toHeraldError(error, { method: 'editMessageText', where: 'the comms group', timeoutMs: api.requestTimeoutMs });
          }
          await sleep(waitMs, stopping);
        }
      }
    },
    async post(chatId, text) {
      // Notices and reminders are herald's own wording: their `code` spans become entities, as in replies.
      return String((await sender.send(chatId, withCode(text))).message_id);
    },
    link: async (chatId, messageId) => messageLink({ id: Number(chatId) }, Number(messageId)),
  };
}
