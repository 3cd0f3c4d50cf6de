import { eq } from 'drizzle-orm';
import { appendAudit } from '../../audit/append';
import { incidents } from '../../store/schema';
import { invalidInput } from '../errors';
import { auditBase, type VerbContext } from '../drafts/context';
import { INCIDENT_STATUS, moreSevere, type IncidentRow } from './load';

const MAX_TITLE = 120;

/** `/incident open <title>`, or the first sev1/sev2 statement drafted while none is open. */
export function openIncident(v: VerbContext, input: { title: string; severity?: string }): number {
  const title = input.title.trim();
  if (!title) throw invalidInput('An incident needs a title: /incident open <title>, like /incident open "USDC pool exploit".');
  if (title.length > MAX_TITLE) throw invalidInput(`The title is ${title.length} characters long; keep it under ${MAX_TITLE}.`);
  const row = v.tx
    .insert(incidents)
    .values({ title, severity: input.severity ?? null, status: INCIDENT_STATUS.open, openedAt: new Date(v.core.now()).toISOString(), openedBy: v.who.key })
    .returning({ id: incidents.id })
    .get();
  appendAudit(v.tx, { type: 'incident.opened', ...auditBase(v, null), data: { incident: row.id, title, severity: input.severity ?? null } });
  return row.id;
}

/** A statement joins its incident; the incident takes the most severe of its statements' severities. */
export function joinIncident(v: VerbContext, incident: IncidentRow, draftId: number, severity: string): void {
  if (moreSevere(severity, incident.severity)) v.tx.update(incidents).set({ severity }).where(eq(incidents.id, incident.id)).run();
  appendAudit(v.tx, { type: 'incident.statement_added', ...auditBase(v, draftId), data: { incident: incident.id, severity } });
}
