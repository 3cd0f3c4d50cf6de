import { forbidden } from '../errors';
import type { VerbContext } from './context';
import { getDraft, pendingRevision } from './load';
import { closeRevision } from './reject';

/** `/cancel <draft>`: the author withdraws what they submitted, before it is approved. */
export function cancelDraft(v: VerbContext, input: { draftId: number }): void {
  const draft = getDraft(v.tx, input.draftId);
  const rev = pendingRevision(v.tx, draft, 'cancel');
  if (rev.createdBy !== v.who.key) {
    throw forbidden(`Only its author can cancel ${rev.kind === 'statement' ? `draft #${draft.id}` : `the pending ${rev.kind} of #${draft.id}`}; approvers can /reject #${draft.id} <reason> instead.`);
  }
  closeRevision(v, draft, rev, 'draft.cancelled', null);
}
