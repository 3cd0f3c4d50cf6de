import { and, asc, eq } from 'drizzle-orm';
import { faqReplies, previews } from '../store/schema';
import { writeTx } from '../store/db';
import { appendAudit } from '../audit/append';
import type { ChatPlatform } from '../config/types';
import type { Core } from './core';

/**
 * What chat adapters report back after they sent something: every message herald sends
 * anywhere is an audit event, and previews are remembered so they can be edited later.
 */
export interface SentRecord {
  platform: ChatPlatform;
  chatId: string;
  messageIds: string[];
  text: string;
  /** reply | preview | preview-update | faq | notice */
  kind: string;
  draftId?: number;
  private?: boolean;
}

export function recordSent(core: Core, sent: SentRecord, extra?: { faq?: { topic: string; userId: string } }): void {
  writeTx(core.db, (tx) => {
    if (sent.kind === 'preview' && sent.draftId !== undefined && sent.messageIds[0]) {
      tx.insert(previews).values({ draftId: sent.draftId, platform: sent.platform, chatId: sent.chatId, messageId: sent.messageIds[0] }).run();
    }
    if (extra?.faq) {
      tx.insert(faqReplies)
        .values({ topic: extra.faq.topic, platform: sent.platform, chatId: sent.chatId, userId: extra.faq.userId, public: !sent.private, messageId: sent.messageIds[0] ?? null })
        .run();
    }
    appendAudit(tx, {
      type: 'message.sent',
      actor: 'herald',
      platform: sent.platform,
      chatId: sent.chatId,
      draftId: sent.draftId ?? null,
      data: { kind: sent.kind, messageIds: sent.messageIds, text: sent.text, private: sent.private ?? false, ...(extra?.faq ? { topic: extra.faq.topic } : {}) },
    });
  });
}

/** The preview messages of a draft on one platform, oldest first. */
export function previewsOf(core: Core, draftId: number, platform: ChatPlatform) {
  return core.db.select().from(previews).where(and(eq(previews.draftId, draftId), eq(previews.platform, platform))).orderBy(asc(previews.id)).all();
}
