import { approvals } from '../../store/schema';
import { appendAudit } from '../../audit/append';
import type { Severity } from '../../config/types';
import { conflict, forbidden } from '../errors';
import { startBroadcast } from '../broadcast/start';
import { StalePreview } from '../previews/stale';
import { auditBase, type VerbContext } from './context';
import { approversOf, getDraft, pendingRevision } from './load';

export interface ApproveResult {
  have: number;
  need: number;
  broadcastId?: number;
}

/**
 * `/approve` or the Approve button. The approval is bound to the revision the approver saw (its
 * number from the button, and its content hash); the author's own approval never counts.
 */
export function approveDraft(v: VerbContext, input: { draftId: number; revision?: number }): ApproveResult {
  const draft = getDraft(v.tx, input.draftId);
  const rev = pendingRevision(v.tx, draft, 'approve');
  if (input.revision !== undefined && input.revision !== rev.number) {
    throw new StalePreview(draft.id, `Draft #${draft.id} changed after that preview: it is now revision ${rev.number}. Review the new preview with /show #${draft.id} and approve that one.`);
  }
  if (rev.createdBy === v.who.key || draft.author === v.who.key) {
    throw forbidden(`You wrote ${rev.number > 1 ? `revision ${rev.number} of ` : ''}#${draft.id}, so your approval does not count; another approver has to approve it.`);
  }
  const need = v.core.config.policies[draft.severity as Severity].approvals;
  const existing = approversOf(v.tx, rev.id, rev.contentHash);
  if (existing.some((a) => a.approver === v.who.key)) {
    const left = need - existing.length;
    throw conflict(`You already approved revision ${rev.number} of #${draft.id}; it needs ${left} more approval${left === 1 ? '' : 's'} from other approvers.`);
  }
  v.tx
    .insert(approvals)
    .values({ draftId: draft.id, revisionId: rev.id, contentHash: rev.contentHash, approver: v.who.key, approverName: v.who.name, platform: v.actor.platform })
    .run();
  const have = existing.length + 1;
  appendAudit(v.tx, {
    type: 'draft.approved',
    ...auditBase(v, draft.id),
    data: { revision: rev.number, kind: rev.kind, contentHash: rev.contentHash, approvals: have, needed: need },
  });
  if (have < need) return { have, need };
  return { have, need, broadcastId: startBroadcast(v, draft, rev).broadcastId };
}
