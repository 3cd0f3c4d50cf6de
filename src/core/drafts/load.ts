import { and, asc, eq, sql } from 'drizzle-orm';
import { drafts, revisions, approvals } from '../../store/schema';
import type { DbOrTx } from '../../store/db';
import { hot, prepared } from '../../store/prepared';
import { notFound, conflict } from '../errors';
import type { Rendered } from '../statement/render';
import { describeDraft } from './states';

export type DraftRow = typeof drafts.$inferSelect;
export type RevisionRow = typeof revisions.$inferSelect;

const draftById = hot((db: DbOrTx) => db.select().from(drafts).where(eq(drafts.id, sql.placeholder('id'))).prepare());
const revisionById = hot((db: DbOrTx) => db.select().from(revisions).where(eq(revisions.id, sql.placeholder('id'))).prepare());

export function getDraft(db: DbOrTx, id: number): DraftRow {
  const draft = prepared(db, draftById).get({ id });
  if (!draft) throw notFound(`There is no draft #${id}; /status lists open drafts and recent broadcasts.`);
  return draft;
}

export function getRevision(db: DbOrTx, id: number): RevisionRow {
  const rev = prepared(db, revisionById).get({ id });
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

const approvalsOfRevision = hot((db: DbOrTx) =>
  db
    .select()
    .from(approvals)
    .where(and(eq(approvals.revisionId, sql.placeholder('revisionId')), eq(approvals.contentHash, sql.placeholder('contentHash'))))
    .orderBy(asc(approvals.id))
    .prepare());

export const approversOf = (db: DbOrTx, revisionId: number, contentHash: string) => prepared(db, approvalsOfRevision).all({ revisionId, contentHash });

export const renderedOf = (rev: RevisionRow): Rendered => JSON.parse(rev.renderedJson) as Rendered;
export const valuesOf = (rev: RevisionRow): Record<string, string> => JSON.parse(rev.valuesJson) as Record<string, string>;
