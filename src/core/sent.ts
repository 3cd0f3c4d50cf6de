import { and, asc, eq } from 'drizzle-orm';
import { faqReplies, previews } from '../store/schema';
import { writeTx, type Tx } from '../store/db';
import { appendAudit } from '../audit/append';
import type { ChatPlatform } from '../config/types';
import type { Core } from './core';
import { recordShown } from './drafts/shown';

/**
 * What herald sent in chats (not the outbox of statements: those are deliveries). What chat
 * adapters report back after they sent something: every message herald sends
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

/** An FAQ answer is also counted per topic and asker. */
export interface SentExtra {
  faq?: { topic: string; userId: string };
}

export function recordSent(core: Core, sent: SentRecord, extra?: SentExtra): Promise<void> {
  const event = {
    type: 'message.sent',
    actor: 'herald',
    platform: sent.platform,
    chatId: sent.chatId,
    draftId: sent.draftId ?? null,
    data: { kind: sent.kind, messageIds: sent.messageIds, text: sent.text, private: sent.private ?? false, ...(extra?.faq ? { topic: extra.faq.topic } : {}) },
  };
  const faq = extra?.faq;
  const faqRow = (tx: Tx) => {
    if (faq) {
      tx.insert(faqReplies)
        .values({ topic: faq.topic, platform: sent.platform, chatId: sent.chatId, userId: faq.userId, public: !sent.private, messageId: sent.messageIds[0] ?? null })
        .run();
    }
  };
  if ((sent.kind === 'preview' || sent.kind === 'preview-update') && sent.draftId !== undefined && sent.messageIds[0]) {
    // A preview is looked up as soon as its draft changes, and what it shows binds typed approvals, so it is recorded at once.
    const draftId = sent.draftId;
    const messageId = sent.messageIds[0];
    writeTx(core.db, (tx) => {
      if (sent.kind === 'preview') tx.insert(previews).values({ draftId, platform: sent.platform, chatId: sent.chatId, messageId }).run();
      recordShown(tx, { draftId, platform: sent.platform, chatId: sent.chatId, text: sent.text });
      appendAudit(tx, event);
    });
    return Promise.resolve();
  }
  const written = core.audit.append(event, faqRow);
  // Callers send first and record after; one that does not wait must not crash the process.
  written.catch((err: unknown) => core.events.emit('auditFailed', err, event.type));
  return written;
}

/** The preview messages of a draft on one platform, oldest first. */
export function previewsOf(core: Core, draftId: number, platform: ChatPlatform) {
  return core.db.select().from(previews).where(and(eq(previews.draftId, draftId), eq(previews.platform, platform))).orderBy(asc(previews.id)).all();
}
