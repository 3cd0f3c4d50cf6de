import { conflict, invalidInput } from '../errors';
import { sha256 } from '../../util/hash';
import type { VerbContext } from './context';
import { getDraft, getRevision, renderedOf, valuesOf } from './load';
import { addRevision } from './revise';
import { DRAFT_STATUS, describeDraft } from './states';

/** `/retract <draft> <reason>`: once approved, every post of the statement is deleted. */
export function retractDraft(v: VerbContext, input: { draftId: number; reason: string }): number {
  const reason = input.reason.trim();
  if (!reason) throw invalidInput(`Say why it is retracted; the reason is kept for the review: /retract #${input.draftId} <reason>.`);
  const draft = getDraft(v.tx, input.draftId);
  if (draft.status !== DRAFT_STATUS.published || draft.publishedRevisionId == null) {
    throw conflict(`Draft #${draft.id} is ${describeDraft(draft)}; only a published statement can be retracted${draft.status === DRAFT_STATUS.awaitingApproval ? ` (use /cancel #${draft.id} for an unpublished draft)` : ''}.`);
  }
  const published = getRevision(v.tx, draft.publishedRevisionId);
  return addRevision(v, draft, {
    kind: 'retraction',
    status: DRAFT_STATUS.retractionPending,
    values: valuesOf(published),
    rendered: renderedOf(published),
    // Approvers approve deleting exactly this published text, for this reason.
    hash: sha256(`retract\n${published.contentHash}\n${reason}`),
    templateHash: published.templateHash,
    reason,
    auditType: 'draft.retraction_proposed',
  }).number;
}
