import { and, eq, like, sql } from 'drizzle-orm';
import { hot, prepared } from '../../store/prepared';
import { revisions, shownRevisions } from '../../store/schema';
import type { DbOrTx } from '../../store/db';
import type { ChatPlatform } from '../../config/types';

/**
 * What each chat was last shown of a draft. A preview header prints its revision and the short
 * content hash; when herald has sent or edited one, the revision it printed is the one that chat
 * saw. A typed /approve is bound to that, so an edit the approver has not seen approves nothing.
 */

export const shortHash = (contentHash: string) => contentHash.slice(0, 8);

/** "Revision 3 (1a2b3c4d)" as the preview header prints it. */
export const revisionLabel = (number: number, contentHash: string) => `Revision ${number} (${shortHash(contentHash)})`;
const LABEL = /^Revision (\d+) \(([0-9a-f]{8})\)/mu;

/** Remembers the revision a preview header showed in a chat, read back from the text that was sent. */
export function recordShown(tx: DbOrTx, at: { draftId: number; platform: ChatPlatform; chatId: string; text: string }): void {
  const m = LABEL.exec(at.text);
  if (!m) return;
  const rev = tx
    .select({ id: revisions.id })
    .from(revisions)
    .where(and(eq(revisions.draftId, at.draftId), eq(revisions.number, Number(m[1])), like(revisions.contentHash, `${m[2]}%`)))
    .get();
  if (!rev) return;
  tx.insert(shownRevisions)
    .values({ draftId: at.draftId, platform: at.platform, chatId: at.chatId, revisionId: rev.id })
    .onConflictDoUpdate({
      target: [shownRevisions.draftId, shownRevisions.platform, shownRevisions.chatId],
      set: { revisionId: rev.id, shownAt: new Date().toISOString() },
    })
    .run();
}

const shownIn = hot((db: DbOrTx) =>
  db
    .select({ revisionId: shownRevisions.revisionId })
    .from(shownRevisions)
    .where(and(eq(shownRevisions.draftId, sql.placeholder('draftId')), eq(shownRevisions.platform, sql.placeholder('platform')), eq(shownRevisions.chatId, sql.placeholder('chatId'))))
    .prepare());

/** The revision id last shown of a draft in one chat, or null when it was never shown there. */
export function lastShown(db: DbOrTx, draftId: number, platform: ChatPlatform, chatId: string): number | null {
  const row = prepared(db, shownIn).get({ draftId, platform, chatId });
  return row?.revisionId ?? null;
}
