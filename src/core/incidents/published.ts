import type { BroadcastKind } from '../broadcast/start';
import type { VerbContext } from '../drafts/context';
import type { DraftRow, RevisionRow } from '../drafts/load';
import { markClosed } from './close';
import { getIncident, INCIDENT_STATUS } from './load';
import { makePromise, settlePromises, supersedePromises } from './promises';

/**
 * What a broadcast means for its incident, in the broadcast's transaction: a new statement keeps
 * or misses the open promise and makes its own; a correction replaces its statement's promise;
 * a retraction withdraws it; a statement that closes the incident closes it.
 */
export function recordPublication(v: VerbContext, draft: DraftRow, rev: RevisionRow, kind: BroadcastKind): void {
  if (draft.incidentId == null) return;
  const incident = getIncident(v.tx, draft.incidentId);
  if (kind === 'publish') settlePromises(v, incident.id, draft.id);
  else supersedePromises(v, { draftId: draft.id });
  if (kind !== 'retract' && rev.nextUpdateAt && incident.status === INCIDENT_STATUS.open) {
    makePromise(v, { incidentId: incident.id, draftId: draft.id, revisionId: rev.id, dueAt: rev.nextUpdateAt });
  }
  const template = v.core.library.templates.get(draft.templateId);
  if (kind === 'publish' && template?.closes && incident.status === INCIDENT_STATUS.open) markClosed(v, incident, `${draft.templateId} (#${draft.id}) was published`, draft.id);
}
