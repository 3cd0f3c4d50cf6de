import { and, desc, eq, inArray } from 'drizzle-orm';
import { broadcasts, deliveries } from '../../store/schema';
import { dbNow } from '../../store/now';
import { appendAudit } from '../../audit/append';
import { conflict } from '../errors';
import { auditBase, type VerbContext } from '../drafts/context';
import { getDraft } from '../drafts/load';
import { activeMarks } from '../channels/marks';

/**
 * `/retry <draft>`: once the cause of a failure is fixed (the bot re-invited, a permission
 * granted), the failed deliveries of the draft's latest broadcast go out again, as approved.
 * A delivery held because its target was compromised goes out only this way, once the target
 * is restored: a person decides that the statement still belongs on the recovered account.
 */
export function retryFailed(v: VerbContext, input: { draftId: number }): { broadcastId: number; targets: string[] } {
  const draft = getDraft(v.tx, input.draftId);
  const latest = v.tx.select().from(broadcasts).where(eq(broadcasts.draftId, draft.id)).orderBy(desc(broadcasts.id)).limit(1).get();
  const marks = activeMarks(v.tx);
  const stopped = latest ? v.tx.select().from(deliveries).where(and(eq(deliveries.broadcastId, latest.id), inArray(deliveries.status, ['failed', 'held']))).all() : [];
  const failed = stopped.filter((d) => !marks.has(d.targetId));
  if (!latest || failed.length === 0) {
    const still = stopped.find((d) => marks.has(d.targetId));
    throw conflict(
      still
        ? `#${draft.id} is held only on ${still.targetId}, which is marked compromised; nothing goes there until /restored ${still.targetId} is approved.`
        : `Nothing of #${draft.id} has failed, so there is nothing to retry; /status #${draft.id} shows each delivery.`,
    );
  }
  const targets = failed.map((d) => d.targetId);
  v.tx
    .update(deliveries)
    .set({ status: 'pending', attempts: 0, notBefore: null, updatedAt: dbNow })
    .where(inArray(deliveries.id, failed.map((d) => d.id)))
    .run();
  // A held delivery's reason no longer applies once its target is restored.
  const wasHeld = failed.filter((d) => d.status === 'held').map((d) => d.id);
  if (wasHeld.length) v.tx.update(deliveries).set({ lastError: null }).where(inArray(deliveries.id, wasHeld)).run();
  appendAudit(v.tx, { type: 'delivery.retried', ...auditBase(v, draft.id), data: { broadcast: latest.id, targets } });
  return { broadcastId: latest.id, targets };
}
