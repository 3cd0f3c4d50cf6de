import { and, asc, desc, eq } from 'drizzle-orm';
import { approvals, broadcasts, deliveries, drafts, drillTimings as drillTimingsTable, revisions } from '../../store/schema';
import { writeTx, type Db, type DbOrTx } from '../../store/db';
import { appendAudit } from '../../audit/append';
import type { Core } from '../core';

export interface DrillTimings {
  broadcast: number;
  kind: string;
  label: string;
  /** From the draft's first revision to the broadcast (the final approval). */
  firstDraftToBroadcastMs: number;
  /** From the revision that was approved to the broadcast; differs from the above after edits. */
  revisionToBroadcastMs: number;
  /** Each approval of the broadcast revision, with how long after that revision it came. */
  approvals: Array<{ approver: string; platform: string; waitMs: number }>;
  /** Each target: how long after the broadcast it was sent (or given up on). */
  deliveries: Array<{ target: string; platform: string; status: string; attempts: number; ms: number }>;
  /** From the first draft to the last delivery settled. */
  totalMs: number;
}

const ms = (from: string, to: string) => Math.max(0, Date.parse(to) - Date.parse(from));

/** The timings of one broadcast, or null while any of its deliveries is still pending. */
export function drillTimings(db: DbOrTx, broadcastId: number, label: string): DrillTimings | null {
  const b = db.select().from(broadcasts).where(eq(broadcasts.id, broadcastId)).get();
  if (!b) return null;
  const rows = db.select().from(deliveries).where(eq(deliveries.broadcastId, b.id)).orderBy(asc(deliveries.id)).all();
  if (!rows.length || rows.some((d) => d.status === 'pending')) return null;
  const draft = db.select().from(drafts).where(eq(drafts.id, b.draftId)).get()!;
  const rev = db.select().from(revisions).where(eq(revisions.id, b.revisionId)).get()!;
  const approved = db.select().from(approvals).where(and(eq(approvals.revisionId, rev.id), eq(approvals.contentHash, rev.contentHash))).orderBy(asc(approvals.id)).all();
  const settled = rows.map((d) => d.updatedAt).sort().at(-1)!;
  return {
    broadcast: b.id,
    kind: b.kind,
    label,
    firstDraftToBroadcastMs: ms(draft.createdAt, b.createdAt),
    revisionToBroadcastMs: ms(rev.createdAt, b.createdAt),
    approvals: approved.map((a) => ({ approver: a.approverName, platform: a.platform, waitMs: ms(rev.createdAt, a.createdAt) })),
    deliveries: rows.map((d) => ({ target: d.targetId, platform: d.platform, status: d.status, attempts: d.attempts, ms: ms(b.createdAt, d.updatedAt) })),
    totalMs: ms(draft.createdAt, settled),
  };
}

const alreadyRecorded = (db: DbOrTx, broadcastId: number): boolean =>
  !!db.select({ id: drillTimingsTable.broadcastId }).from(drillTimingsTable).where(eq(drillTimingsTable.broadcastId, broadcastId)).get();

/** Records the latest broadcast's timings of a draft once all its deliveries have settled: a row, and its audit event as evidence. */
export function recordDrillTimings(db: Db, draftId: number, label: string): DrillTimings | null {
  return writeTx(db, (tx) => {
    const latest = tx.select({ id: broadcasts.id }).from(broadcasts).where(eq(broadcasts.draftId, draftId)).orderBy(desc(broadcasts.id)).limit(1).get();
    if (!latest || alreadyRecorded(tx, latest.id)) return null;
    const timings = drillTimings(tx, latest.id, label);
    if (!timings) return null;
    tx.insert(drillTimingsTable).values({ broadcastId: latest.id, draftId, label, timingsJson: JSON.stringify(timings) }).run();
    appendAudit(tx, { type: 'drill.timings', actor: 'herald', draftId, data: { ...timings } });
    return timings;
  });
}

/**
 * In a drill, the review wants to know how fast the team was: when a broadcast's last delivery
 * settles, its timings are recorded (and logged as one audit event). Returns the unsubscribe function.
 */
export function watchDrill(core: Core): () => void {
  const drill = core.config.drill;
  if (!drill) return () => undefined;
  const onChange = (draftId: number) => {
    recordDrillTimings(core.db, draftId, drill.label);
  };
  core.events.on('draftChanged', onChange);
  return () => core.events.off('draftChanged', onChange);
}
