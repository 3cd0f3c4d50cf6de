import { conflict, invalidInput } from '../errors';
import type { VerbContext } from './context';
import { getDraft, pendingRevision, valuesOf } from './load';
import { addRevision, prepare, templateOf } from './revise';
import { DRAFT_STATUS } from './states';

/** `/edit`: a new revision of the statement (or of its pending correction); approvals start over. */
export function editDraft(v: VerbContext, input: { draftId: number; values: Record<string, string> }): number {
  const draft = getDraft(v.tx, input.draftId);
  if (draft.status === DRAFT_STATUS.published) {
    throw conflict(`Draft #${draft.id} is already published; use /correct #${draft.id} name=value to correct it.`);
  }
  const rev = pendingRevision(v.tx, draft, 'edit');
  if (rev.kind === 'retraction') {
    throw conflict(`Draft #${draft.id} has a retraction awaiting approval, which cannot be edited; /cancel #${draft.id} it and retract again.`);
  }
  if (Object.keys(input.values).length === 0) {
    throw invalidInput(`Nothing to change: give the variables to change, like /edit #${draft.id} next_update="by 16:00 UTC".`);
  }
  const template = templateOf(v, draft);
  const prepared = prepare(v, template, { ...valuesOf(rev), ...input.values }, rev.kind === 'correction', rev);
  return addRevision(v, draft, {
    kind: rev.kind as 'statement' | 'correction',
    status: draft.status as typeof DRAFT_STATUS.awaitingApproval,
    ...prepared,
    templateHash: template.hash,
    auditType: 'draft.edited',
  }).number;
}
