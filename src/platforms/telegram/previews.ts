import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { Config, Platform } from '../../config/types';
import type { Core } from '../../core/core';
import { buildView, headerText, xThreadText, type DraftView } from '../../core/drafts/view';
import { previewsOf } from '../../core/outbox';
import { sleep } from '../../core/delivery/backoff';
import type { Logger } from '../../util/log';
import type { TelegramApi } from './api';
import { isMessageGone, isNotModified, isTelegramError, retryAfterMs, toHeraldError } from './errors';
import { bold, join, NO_LINK_PREVIEW, pack, plain, splitText, type OutText } from './format';
import type { ChatSender } from './sender';

/**
 * A preview is a header message (state, approvals, lengths, deliveries) carrying the Approve /
 * Reject buttons while they apply, followed by the statement as each of the severity's
 * platforms will receive it. The header is edited as things change; the statement is not.
 */

export function keyboard(view: DraftView): InlineKeyboardMarkup | undefined {
  if (!view.awaitingApproval) return undefined;
  const tag = `${view.draftId}:${view.revision.number}`;
  return { inline_keyboard: [[{ text: '✅ Approve', callback_data: `approve:${tag}` }, { text: '❌ Reject', callback_data: `reject:${tag}` }]] };
}

/** The platforms the draft's severity posts to, in a fixed order. */
export function platformsOf(config: Config, view: DraftView): Platform[] {
  const used = new Set(config.policies[view.severity].targets.map((t) => config.targets[t]?.platform));
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
    } else {
      const chunks = splitText(xThreadText(view));
      chunks.forEach((text, i) => labelled(i ? 'X (continued):' : `X, ${view.rendered.x.length > 1 ? `thread of ${view.rendered.x.length} posts` : '1 post'}:`, plain(text)));
    }
  }
  return pack(pieces);
}

/** Keeps every Telegram preview header of a draft up to date; edits of one draft never overlap. */
export class PreviewKeeper {
  private readonly running = new Map<number, Promise<void>>();
  private readonly dirty = new Set<number>();
  /** What each header shows now, so an unchanged header is not edited. */
  private readonly shown = new Map<string, string>();

  constructor(
    private readonly core: Core,
    private readonly api: TelegramApi,
    private readonly sender: ChatSender,
    private readonly log: Logger,
    private readonly stopping: AbortSignal,
    private readonly track: (work: Promise<unknown>) => void,
  ) {}

  remember(chatId: string, messageId: number, view: DraftView): void {
    this.shown.set(`${chatId}:${messageId}`, signature(view));
  }

  changed(draftId: number): void {
    if (this.stopping.aborted) return;
    if (this.running.has(draftId)) {
      this.dirty.add(draftId);
      return;
    }
    const run = this.refresh(draftId)
      .catch((err: unknown) =>
        this.log.warn({ err: toHeraldError(err, { method: 'editMessageText', where: 'the comms group', timeoutMs: this.api.requestTimeoutMs }), draftId }, 'a Telegram preview could not be updated'),
      )
      .finally(() => this.running.delete(draftId));
    this.running.set(draftId, run);
    this.track(run);
  }

  private async refresh(draftId: number): Promise<void> {
    do {
      this.dirty.delete(draftId);
      const previews = previewsOf(this.core, draftId, 'telegram');
      if (!previews.length) return;
      const view = buildView(this.core, this.core.db, draftId);
      for (const p of previews) await this.edit(p.chatId, Number(p.messageId), view);
    } while (this.dirty.has(draftId) && !this.stopping.aborted);
  }

  private async edit(chatId: string, messageId: number, view: DraftView): Promise<void> {
    const key = `${chatId}:${messageId}`;
    const sig = signature(view);
    if (this.shown.get(key) === sig) return;
    const text = headerText(view);
    const markup = keyboard(view);
    // Without reply_markup Telegram removes the buttons, which is what a closed draft needs.
    const payload = { chat_id: chatId, message_id: messageId, text, link_preview_options: NO_LINK_PREVIEW, ...(markup ? { reply_markup: markup } : {}) };
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await this.api.call('editMessageText', payload);
        this.shown.set(key, sig);
        this.sender.record({ chatId, messageIds: [String(messageId)], text, kind: 'preview-update', draftId: view.draftId });
        return;
      } catch (error) {
        if (isNotModified(error)) {
          this.shown.set(key, sig);
          return;
        }
        if (isMessageGone(error)) {
          this.shown.set(key, sig);
          return;
        }
        const waitMs = isTelegramError(error) && error.code === 429 ? retryAfterMs(error) : undefined;
        if (waitMs === undefined || waitMs > this.core.config.delivery.max_wait_ms || attempt === 3) throw error;
        await sleep(waitMs, this.stopping);
      }
    }
  }
}

const signature = (view: DraftView) => JSON.stringify([headerText(view), keyboard(view) ?? null]);
