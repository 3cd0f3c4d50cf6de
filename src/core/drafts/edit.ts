import { conflict, invalidInput } from '../errors';
import type { VerbContext } from './context';
import { getDraft, getRevision, pendingRevision, valuesOf } from './load';
import { addRevision, prepare, templateOf } from './revise';
import { DRAFT_STATUS, describeDraft } from './states';
import { desc, eq } from 'drizzle-orm';
import { revisions } from '../../store/schema';

/** The /draft line that makes these values a new draft; a value is quoted with a quote it does not contain. */
export function draftCommand(templateId: string, values: Record<string, string>): string {
  const quoted = (value: string) => (value.includes('"') ? `'${value}'` : `"${value}"`);
  return [`/draft ${templateId}`, ...Object.entries(values).filter(([, value]) => value !== '').map(([name, value]) => `${name}=${quoted(value)}`)].join(' ');
}

/** `/edit`: a new revision of the statement (or of its pending correction); approvals start over. */
export function editDraft(v: VerbContext, input: { draftId: number; values: Record<string, string> }): number {
  const draft = getDraft(v.tx, input.draftId);
  if (draft.status === DRAFT_STATUS.published) {
    throw conflict(`Draft #${draft.id} is already published; use /correct #${draft.id} name=value to correct it.`);
  }
  if (draft.pendingRevisionId == null && (draft.status === DRAFT_STATUS.rejected || draft.status === DRAFT_STATUS.cancelled)) {
    // Closed for good: say what to type to start again, with the values it had and the ones asked for now.
    const last = v.tx.select().from(revisions).where(eq(revisions.draftId, draft.id)).orderBy(desc(revisions.number)).limit(1).get();
    const values = { ...(last ? valuesOf(last) : {}), ...input.values };
    throw conflict(`Draft #${draft.id} is ${describeDraft(draft)}, so there is nothing to edit. To start again with the same values, send: ${draftCommand(draft.templateId, values)}`);
  }
  const rev = pendingRevision(v.tx, draft, 'edit');
  if (rev.kind === 'retraction') {
    throw conflict(`Draft #${draft.id} has a retraction awaiting approval, which cannot be edited; /cancel #${draft.id} it and retract again.`);
  }
  if (Object.keys(input.values).length === 0) {
    throw invalidInput(`Nothing to change: give the variables to change, like /edit #${draft.id} next_update="by 16:00 UTC".`);
  }
  const template = templateOf(v, draft);
  // A correction is compared with what is published, not with its own earlier revision.
  const published = rev.kind === 'correction' && draft.publishedRevisionId != null ? { published: valuesOf(getRevision(v.tx, draft.publishedRevisionId)) } : undefined;
  const prepared = prepare(v, template, { ...valuesOf(rev), ...input.values }, published, rev);
  return addRevision(v, draft, {
    kind: rev.kind as 'statement' | 'correction',
    status: draft.status as typeof DRAFT_STATUS.awaitingApproval,
    ...prepared,
    templateHash: template.hash,
    auditType: 'draft.edited',
  }).number;
}
