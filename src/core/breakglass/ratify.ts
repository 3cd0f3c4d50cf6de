import { and, eq, isNull } from 'drizzle-orm';
import { appendAudit } from '../../audit/append';
import { approvals, breakGlass } from '../../store/schema';
import { forbidden } from '../errors';
import { auditBase, type VerbContext } from '../drafts/context';
import { getRevision, type DraftRow } from '../drafts/load';

export type BreakGlassRow = typeof breakGlass.$inferSelect;

export function unratified(v: VerbContext, draftId: number): BreakGlassRow | undefined {
  return v.tx.select().from(breakGlass).where(and(eq(breakGlass.draftId, draftId), isNull(breakGlass.ratifiedAt))).get();
}

/**
 * A second approver's `/approve` of a statement published by break glass: an approval of the
 * published revision, by someone other than whoever broke glass or wrote it, which ends the chase.
 */
export function ratifyBreakGlass(v: VerbContext, draft: DraftRow, glass: BreakGlassRow): void {
  const rev = getRevision(v.tx, glass.revisionId);
  if (glass.usedBy === v.who.key) throw forbidden(`You broke glass on #${draft.id}, so you cannot ratify it; a second approver has to /approve #${draft.id}.`);
  if (draft.author === v.who.key || rev.createdBy === v.who.key) throw forbidden(`You wrote #${draft.id}, so you cannot ratify it; another approver has to /approve #${draft.id}.`);
  v.tx.insert(approvals).values({ draftId: draft.id, revisionId: rev.id, contentHash: rev.contentHash, approver: v.who.key, approverName: v.who.name, platform: v.actor.platform }).run();
  v.tx.update(breakGlass).set({ ratifiedAt: new Date(v.core.now()).toISOString(), ratifiedBy: v.who.key }).where(eq(breakGlass.id, glass.id)).run();
  appendAudit(v.tx, { type: 'break_glass.ratified', ...auditBase(v, draft.id), data: { breakGlass: glass.id, revision: rev.number, contentHash: rev.contentHash } });
}
