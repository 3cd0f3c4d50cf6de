import { eq, sql } from 'drizzle-orm';
import type { Core } from '../core/core';
import { formatWait } from '../core/delivery/backoff';
import type { DeliveryAttempt } from '../core/delivery/observed';
import { pendingDeliveries } from '../core/delivery/record';
import { broadcasts, deliveries, drafts } from '../store/schema';
import type { DbOrTx } from '../store/db';
import { hot, prepared } from '../store/prepared';
import type { Logger } from '../util/log';

// The broadcast's line is written between the approval's commit and its first requests: built once (../store/prepared.ts).
const incidentOfDraft = hot((db: DbOrTx) => db.select({ incident: drafts.incidentId }).from(drafts).where(eq(drafts.id, sql.placeholder('id'))).prepare());
const broadcastById = hot((db: DbOrTx) => db.select().from(broadcasts).where(eq(broadcasts.id, sql.placeholder('id'))).prepare());
const targetsOf = hot((db: DbOrTx) => db.select({ targetId: deliveries.targetId }).from(deliveries).where(eq(deliveries.broadcastId, sql.placeholder('broadcastId'))).prepare());

/**
 * One log line per step of a broadcast, written in one place from the core's events rather than
 * from inside the worker: started, each delivery sent, retried (with the wait), failed (with the
 * reason), and at start the deliveries a restart resumes. Call it before the worker's first kick.
 */
export function logStory(core: Core, log: Logger): () => void {
  // The incident a statement belongs to, so one incident's lines can be picked out of the log (null outside one).
  const incidentOf = (draftId: number) => prepared(core.db, incidentOfDraft).get({ id: draftId })?.incident ?? null;
  for (const d of pendingDeliveries(core.db)) {
    const attempts = core.db.select({ attempts: deliveries.attempts }).from(deliveries).where(eq(deliveries.id, d.id)).get()?.attempts ?? 0;
    log.info({ draft: d.draftId, incident: incidentOf(d.draftId), target: d.targetId, platform: d.platform, delivery: d.id, attempt: attempts + 1 }, `resuming #${d.draftId} to ${d.targetId} after a restart`);
  }
  const started = (broadcastId: number) => {
    const b = prepared(core.db, broadcastById).get({ id: broadcastId });
    if (!b) return;
    const targets = prepared(core.db, targetsOf).all({ broadcastId }).map((r) => r.targetId);
    log.info({ draft: b.draftId, incident: incidentOf(b.draftId), broadcast: b.id, kind: b.kind, targets }, `broadcast of #${b.draftId} started (${b.kind}) to ${targets.length} target${targets.length === 1 ? '' : 's'}`);
  };
  const attempted = (a: DeliveryAttempt) => {
    const fields = { draft: a.draftId, incident: incidentOf(a.draftId), target: a.targetId, platform: a.platform, delivery: a.deliveryId, attempt: a.attempt };
    if (a.outcome === 'sent') log.info(fields, `#${a.draftId} sent to ${a.targetId}`);
    else if (a.outcome === 'retrying') {
      log.warn({ ...fields, code: a.code, reason: a.reason, retryInMs: a.retryInMs }, `#${a.draftId} to ${a.targetId} failed (${a.reason}); retrying in ${formatWait(a.retryInMs ?? 0)}`);
    } else log.error({ ...fields, code: a.code, reason: a.reason }, `#${a.draftId} to ${a.targetId} failed for good: ${a.reason}`);
  };
  core.events.on('deliveriesCreated', started);
  core.events.on('deliveryAttempted', attempted);
  return () => {
    core.events.off('deliveriesCreated', started);
    core.events.off('deliveryAttempted', attempted);
  };
}
