import { and, desc, eq } from 'drizzle-orm';
import { broadcasts, deliveries } from '../../store/schema';
import { dbNow } from '../../store/now';
import { appendAudit } from '../../audit/append';
import { conflict } from '../errors';
import { auditBase, type VerbContext } from '../drafts/context';
import { getDraft } from '../drafts/load';

/**
 * `/retry <draft>`: once the cause of a failure is fixed (the bot re-invited, a permission
 * granted), the failed deliveries of the draft's latest broadcast go out again, as approved.
 */
export function retryFailed(v: VerbContext, input: { draftId: number }): { broadcastId: number; targets: string[] } {
  const draft = getDraft(v.tx, input.draftId);
  const latest = v.tx.select().from(broadcasts).where(eq(broadcasts.draftId, draft.id)).orderBy(desc(broadcasts.id)).limit(1).get();
  const failed = latest ? v.tx.select().from(deliveries).where(and(eq(deliveries.broadcastId, latest.id), eq(deliveries.status, 'failed'))).all() : [];
  if (!latest || failed.length === 0) {
    throw conflict(`Nothing of #${draft.id} has failed, so there is nothing to retry; /status #${draft.id} shows each delivery.`);
  }
  const targets = failed.map((d) => d.targetId);
  v.tx
    .update(deliveries)
    .set({ status: 'pending', attempts: 0, notBefore: null, updatedAt: dbNow })
    .where(and(eq(deliveries.broadcastId, latest.id), eq(deliveries.status, 'failed')))
    .run();
  appendAudit(v.tx, { type: 'delivery.retried', ...auditBase(v, draft.id), data: { broadcast: latest.id, targets } });
  return { broadcastId: latest.id, targets };
}
