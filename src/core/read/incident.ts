import { and, asc, eq, inArray, min } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { approvals, breakGlass, broadcasts, deliveries, deliveryParts, drafts, promises, revisions } from '../../store/schema';
import { getIncident, type IncidentRow } from '../incidents/load';

export type ApprovalRow = typeof approvals.$inferSelect;
export type BreakGlassRow = typeof breakGlass.$inferSelect;
export type PromiseRow = typeof promises.$inferSelect;

export interface DeliveryFact {
  targetId: string;
  platform: string;
  status: string;
  lastError: string | null;
  link: string | null;
  /** When its first message went out (null while none has). */
  firstSentAt: string | null;
}

export interface BroadcastFact {
  id: number;
  kind: string;
  revision: number;
  createdAt: string;
  reason: string | null;
  approvals: ApprovalRow[];
  deliveries: DeliveryFact[];
}

export interface StatementFact {
  draft: typeof drafts.$inferSelect;
  broadcasts: BroadcastFact[];
}

/** One incident as rows tell it: its statements, their approvals and deliveries, promises, break-glass uses. */
export interface IncidentStory {
  incident: IncidentRow;
  statements: StatementFact[];
  promises: PromiseRow[];
  breakGlass: BreakGlassRow[];
}

export function incidentStory(db: DbOrTx, incidentId: number): IncidentStory {
  const incident = getIncident(db, incidentId);
  const ds = db.select().from(drafts).where(eq(drafts.incidentId, incidentId)).orderBy(asc(drafts.id)).all();
  const ids = ds.map((d) => d.id);
  const bs = ids.length
    ? db
        .select({ b: broadcasts, revision: revisions.number, reason: revisions.reason })
        .from(broadcasts)
        .innerJoin(revisions, eq(revisions.id, broadcasts.revisionId))
        .where(inArray(broadcasts.draftId, ids))
        .orderBy(asc(broadcasts.id))
        .all()
    : [];
  const statements = ds.map((draft) => ({
    draft,
    broadcasts: bs
      .filter((x) => x.b.draftId === draft.id)
      .map(({ b, revision, reason }) => ({
        id: b.id,
        kind: b.kind,
        revision,
        createdAt: b.createdAt,
        reason,
        approvals: db.select().from(approvals).where(eq(approvals.revisionId, b.revisionId)).orderBy(asc(approvals.id)).all(),
        deliveries: deliveriesOf(db, b.id),
      })),
  }));
  return {
    incident,
    statements,
    promises: db.select().from(promises).where(eq(promises.incidentId, incidentId)).orderBy(asc(promises.id)).all(),
    breakGlass: ids.length ? db.select().from(breakGlass).where(inArray(breakGlass.draftId, ids)).orderBy(asc(breakGlass.id)).all() : [],
  };
}

function deliveriesOf(db: DbOrTx, broadcastId: number): DeliveryFact[] {
  return db
    .select({
      targetId: deliveries.targetId,
      platform: deliveries.platform,
      status: deliveries.status,
      lastError: deliveries.lastError,
      link: deliveries.link,
      firstSentAt: min(deliveryParts.sentAt),
    })
    .from(deliveries)
    .leftJoin(deliveryParts, and(eq(deliveryParts.deliveryId, deliveries.id)))
    .where(eq(deliveries.broadcastId, broadcastId))
    .groupBy(deliveries.id)
    .orderBy(asc(deliveries.id))
    .all();
}

/** Time to first communication on each target: from the incident's start to its first post live there, in ms. */
export function firstCommunication(story: IncidentStory): Array<{ targetId: string; platform: string; at: string; afterMs: number }> {
  const first = new Map<string, { platform: string; at: string }>();
  for (const s of story.statements) {
    for (const b of s.broadcasts.filter((x) => x.kind === 'publish')) {
      for (const d of b.deliveries) {
        if (!d.firstSentAt) continue;
        const seen = first.get(d.targetId);
        if (!seen || d.firstSentAt < seen.at) first.set(d.targetId, { platform: d.platform, at: d.firstSentAt });
      }
    }
  }
  const start = Date.parse(story.incident.openedAt);
  return [...first].map(([targetId, f]) => ({ targetId, ...f, afterMs: Date.parse(f.at) - start }));
}
