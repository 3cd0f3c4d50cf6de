import { eq } from 'drizzle-orm';
import { appendAudit } from '../../audit/append';
import { incidents } from '../../store/schema';
import { conflict } from '../errors';
import { auditBase, type VerbContext } from '../drafts/context';
import { getIncident, INCIDENT_STATUS, type IncidentRow } from './load';
import { supersedePromises } from './promises';

/** `/incident close <id>`: for an incident that ends without a resolved statement. */
export function closeIncident(v: VerbContext, input: { incidentId: number; reason?: string }): void {
  const incident = getIncident(v.tx, input.incidentId);
  if (incident.status !== INCIDENT_STATUS.open) throw conflict(`Incident ${incident.id} is already closed; /incident lists the open ones.`);
  markClosed(v, incident, input.reason ?? 'closed by command', null);
}

/** Closes the incident; its open promises are superseded, since nothing more is promised. */
export function markClosed(v: VerbContext, incident: IncidentRow, reason: string, draftId: number | null): void {
  const at = new Date(v.core.now()).toISOString();
  v.tx.update(incidents).set({ status: INCIDENT_STATUS.closed, closedAt: at, closedBy: v.who.key, closedReason: reason }).where(eq(incidents.id, incident.id)).run();
  supersedePromises(v, { incidentId: incident.id });
  appendAudit(v.tx, { type: 'incident.closed', ...auditBase(v, draftId), data: { incident: incident.id, reason } });
}
