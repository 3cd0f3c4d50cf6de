import { and, eq, isNull } from 'drizzle-orm';
import { compromisedTargets, deliveries } from '../../store/schema';
import { appendAudit } from '../../audit/append';
import { auditBase, type VerbContext } from '../drafts/context';
import { approversOf, valuesOf, type DraftRow, type RevisionRow } from '../drafts/load';
import { markHeld } from '../delivery/record';
import { heldReason, markOf } from './marks';

/**
 * The effect of an approved /compromised or /restored draft, inside the approval's transaction
 * and before its broadcast is planned: the mark is set (and every delivery still waiting for
 * that target is held) or lifted, with its audit event.
 */
export function applyChannelChange(v: VerbContext, draft: DraftRow, rev: RevisionRow): void {
  const targetId = draft.channelTarget;
  if (!targetId) return;
  const by = [draft.authorName, ...approversOf(v.tx, rev.id, rev.contentHash).map((a) => a.approverName)].join(', ');
  const now = new Date(v.core.now()).toISOString();
  if (draft.channelChange === 'compromised') {
    // Approved twice at once is one mark: the unique index would refuse a second.
    if (markOf(v.tx, targetId)) return;
    const platform = v.core.config.targets[targetId]?.platform ?? 'unknown';
    const mark = { targetId, platform, channel: valuesOf(rev).compromised_channel ?? targetId, what: draft.channelReason ?? '', since: now, markedBy: by, draftId: draft.id };
    v.tx.insert(compromisedTargets).values(mark).run();
    const waiting = v.tx.select().from(deliveries).where(and(eq(deliveries.targetId, targetId), eq(deliveries.status, 'pending'))).all();
    for (const d of waiting) markHeld(v.tx, d, heldReason(mark));
    appendAudit(v.tx, { type: 'channel.compromised', ...auditBase(v, draft.id), data: { target: targetId, channel: mark.channel, what: mark.what, since: now, by, held: waiting.map((d) => d.id) } });
    return;
  }
  if (draft.channelChange === 'restored') {
    v.tx
      .update(compromisedTargets)
      .set({ restoredAt: now, restoredBy: by, restoreDraftId: draft.id })
      .where(and(eq(compromisedTargets.targetId, targetId), isNull(compromisedTargets.restoredAt)))
      .run();
    appendAudit(v.tx, { type: 'channel.restored', ...auditBase(v, draft.id), data: { target: targetId, at: now, by } });
  }
}
