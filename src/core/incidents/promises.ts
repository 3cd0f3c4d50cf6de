import { and, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { hot, prepared, slot } from '../../store/prepared';
import { appendAudit } from '../../audit/append';
import { promises } from '../../store/schema';
import { auditBase, type VerbContext } from '../drafts/context';

export type PromiseRow = typeof promises.$inferSelect;

/** Open promises: neither kept, missed nor superseded. */
export const openPromise = isNull(promises.outcome);

const insertPromise = hot((db: DbOrTx) =>
  db
    .insert(promises)
    .values({ incidentId: sql.placeholder('incidentId'), draftId: sql.placeholder('draftId'), revisionId: sql.placeholder('revisionId'), dueAt: sql.placeholder('dueAt'), madeAt: sql.placeholder('madeAt') })
    .returning({ id: promises.id })
    .prepare());

/** A published `next_update` becomes a promise herald holds the team to. */
export function makePromise(v: VerbContext, p: { incidentId: number; draftId: number; revisionId: number; dueAt: string }): void {
  const madeAt = new Date(v.core.now()).toISOString();
  const row = prepared(v.tx, insertPromise).get({ ...p, madeAt })!;
  appendAudit(v.tx, { type: 'promise.made', ...auditBase(v, p.draftId), data: { promise: row.id, incident: p.incidentId, dueAt: p.dueAt } });
}

const openOfIncident = hot((db: DbOrTx) => db.select().from(promises).where(and(eq(promises.incidentId, sql.placeholder('incidentId')), openPromise)).prepare());
const settlePromise = hot((db: DbOrTx) =>
  db
    .update(promises)
    .set({ outcome: slot('outcome'), settledAt: slot('settledAt'), settledByDraftId: slot('byDraftId') })
    .where(eq(promises.id, sql.placeholder('id')))
    .prepare());

/**
 * The incident's next statement went out: each open promise is kept if it did so by the due
 * time, missed otherwise, and the margin is recorded either way.
 */
export function settlePromises(v: VerbContext, incidentId: number, byDraftId: number): void {
  const now = v.core.now();
  const settledAt = new Date(now).toISOString();
  for (const p of prepared(v.tx, openOfIncident).all({ incidentId })) {
    const outcome = now <= Date.parse(p.dueAt) ? 'kept' : 'missed';
    prepared(v.tx, settlePromise).run({ id: p.id, outcome, settledAt, byDraftId });
    appendAudit(v.tx, {
      type: `promise.${outcome}`,
      ...auditBase(v, byDraftId),
      data: { promise: p.id, incident: incidentId, dueAt: p.dueAt, at: settledAt, marginMinutes: Math.round(Math.abs(Date.parse(p.dueAt) - now) / 60_000) },
    });
  }
}

/** Promises that no longer stand: the statement was corrected or retracted, or the incident closed. */
export function supersedePromises(v: VerbContext, by: { incidentId: number } | { draftId: number }): void {
  const where = 'incidentId' in by ? eq(promises.incidentId, by.incidentId) : eq(promises.draftId, by.draftId);
  const settledAt = new Date(v.core.now()).toISOString();
  for (const p of v.tx.select().from(promises).where(and(where, openPromise)).all()) {
    v.tx.update(promises).set({ outcome: 'superseded', settledAt }).where(eq(promises.id, p.id)).run();
    appendAudit(v.tx, { type: 'promise.superseded', ...auditBase(v, p.draftId), data: { promise: p.id, incident: p.incidentId, dueAt: p.dueAt } });
  }
}
