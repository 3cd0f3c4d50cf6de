import { and, asc, eq } from 'drizzle-orm';
import { drafts, revisions, approvals } from '../../store/schema';
import type { DbOrTx } from '../../store/db';
import { notFound, conflict } from '../errors';
import type { Rendered } from '../statement/render';
import { describeDraft } from './states';

export type DraftRow = typeof drafts.$inferSelect;
export type RevisionRow = typeof revisions.$inferSelect;

export function getDraft(db: DbOrTx, id: number): DraftRow {
  const draft = db.select().from(drafts).where(eq(drafts.id, id)).get();
  if (!draft) throw notFound(`There is no draft #${id}; /status lists open drafts and recent broadcasts.`);
  return draft;
}

export function getRevision(db: DbOrTx, id: number): RevisionRow {
  const rev = db.select().from(revisions).where(eq(revisions.id, id)).get();
  if (!rev) throw notFound(`Revision ${id} does not exist.`);
  return rev;
}

/** The revision now waiting for approval; refuses with the draft's state when there is none. */
export function pendingRevision(db: DbOrTx, draft: DraftRow, action: string): RevisionRow {
  if (draft.pendingRevisionId == null) {
    throw conflict(`Draft #${draft.id} is ${describeDraft(draft)}, so there is nothing to ${action}.`);
  }
  return getRevision(db, draft.pendingRevisionId);
}

export function latestRevisionNumber(db: DbOrTx, draftId: number): number {
  const rows = db.select({ number: revisions.number }).from(revisions).where(eq(revisions.draftId, draftId)).all();
  return rows.reduce((max, r) => Math.max(max, r.number), 0);
}

export function approversOf(db: DbOrTx, revisionId: number, contentHash: string) {
  return db
    .select()
    .from(approvals)
    .where(and(eq(approvals.revisionId, revisionId), eq(approvals.contentHash, contentHash)))
    .orderBy(asc(approvals.id))
    .all();
}

export const renderedOf = (rev: RevisionRow): Rendered => JSON.parse(rev.renderedJson) as Rendered;
export const valuesOf = (rev: RevisionRow): Record<string, string> => JSON.parse(rev.valuesJson) as Record<string, string>;
