import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { hot, prepared } from '../../store/prepared';
import type { DbOrTx } from '../../store/db';
import { drafts, incidents, revisions } from '../../store/schema';
import { notFound } from '../errors';
import { DRAFT_STATUS } from '../drafts/states';
import type { Template } from '../templates/library';

export type IncidentRow = typeof incidents.$inferSelect;

export const INCIDENT_STATUS = { open: 'open', closed: 'closed' } as const;

/** Severities whose first statement opens an incident. */
export const OPENING_SEVERITIES: ReadonlySet<string> = new Set(['sev1', 'sev2']);

const RANK: Record<string, number> = { sev1: 1, sev2: 2, sev3: 3, sev4: 4 };
/** Whether `a` is more severe than `b` (null counts as no severity yet). */
export const moreSevere = (a: string, b: string | null): boolean => b === null || (RANK[a] ?? 9) < (RANK[b] ?? 9);

const incidentById = hot((db: DbOrTx) => db.select().from(incidents).where(eq(incidents.id, sql.placeholder('id'))).prepare());

export function getIncident(db: DbOrTx, id: number): IncidentRow {
  const row = prepared(db, incidentById).get({ id });
  if (!row) throw notFound(`There is no incident ${id}; /incident lists the open ones.`);
  return row;
}

/** The newest open incident: the one a follow-up statement belongs to. */
export function currentIncident(db: DbOrTx): IncidentRow | undefined {
  return db.select().from(incidents).where(eq(incidents.status, INCIDENT_STATUS.open)).orderBy(desc(incidents.id)).limit(1).get();
}

export function openIncidents(db: DbOrTx): IncidentRow[] {
  return db.select().from(incidents).where(eq(incidents.status, INCIDENT_STATUS.open)).orderBy(desc(incidents.id)).all();
}

/** Drafts that still speak for the incident: not rejected, cancelled or retracted. */
const LIVE = [DRAFT_STATUS.awaitingApproval, DRAFT_STATUS.published, DRAFT_STATUS.correctionPending, DRAFT_STATUS.retractionPending];

/**
 * The values a follow-up starts with: for each variable the template marks shared, the newest
 * value any live statement of the incident gave it (its latest revision, pending or published).
 */
export function sharedValues(db: DbOrTx, incidentId: number, template: Template): Record<string, string> {
  const names = Object.entries(template.variables).filter(([, s]) => s.shared).map(([n]) => n);
  if (!names.length) return {};
  const rows = db
    .select({ valuesJson: revisions.valuesJson })
    .from(revisions)
    .innerJoin(drafts, eq(drafts.id, revisions.draftId))
    .where(and(eq(drafts.incidentId, incidentId), inArray(drafts.status, LIVE)))
    .orderBy(desc(revisions.id))
    .all();
  const out: Record<string, string> = {};
  for (const r of rows) {
    const values = JSON.parse(r.valuesJson) as Record<string, string>;
    for (const n of names) if (out[n] === undefined && values[n]) out[n] = values[n];
  }
  return out;
}
