import { conflict, invalidInput } from '../errors';
import type { VerbContext } from './context';
import { getDraft, getRevision, valuesOf } from './load';
import { addRevision, prepare, templateOf } from './revise';
import { DRAFT_STATUS, describeDraft } from './states';

/** `/correct`: a corrected version of a published statement, which needs approval like the first. */
export function correctDraft(v: VerbContext, input: { draftId: number; values: Record<string, string> }): number {
  const draft = getDraft(v.tx, input.draftId);
  if (draft.status === DRAFT_STATUS.correctionPending) {
    throw conflict(`Draft #${draft.id} already has a correction awaiting approval; /edit #${draft.id} it or /cancel #${draft.id} it first.`);
  }
  if (draft.status !== DRAFT_STATUS.published || draft.publishedRevisionId == null) {
    throw conflict(`Draft #${draft.id} is ${describeDraft(draft)}; only a published statement can be corrected${draft.status === DRAFT_STATUS.awaitingApproval ? ` (use /edit #${draft.id} before it is approved)` : ''}.`);
  }
  if (Object.keys(input.values).length === 0) {
    throw invalidInput(`Give the corrected variables, like /correct #${draft.id} affected="the ETH pool only".`);
  }
  const published = getRevision(v.tx, draft.publishedRevisionId);
  const template = templateOf(v, draft);
  const prepared = prepare(v, template, { ...valuesOf(published), ...input.values }, { published: valuesOf(published) }, published);
  return addRevision(v, draft, { kind: 'correction', status: DRAFT_STATUS.correctionPending, ...prepared, templateHash: template.hash, auditType: 'draft.correction_proposed' }).number;
}
