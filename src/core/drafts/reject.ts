import { eq } from 'drizzle-orm';
import { drafts } from '../../store/schema';
import { dbNow } from '../../store/now';
import { appendAudit } from '../../audit/append';
import { invalidInput } from '../errors';
import { auditBase, type VerbContext } from './context';
import { getDraft, pendingRevision, type DraftRow, type RevisionRow } from './load';
import { DRAFT_STATUS } from './states';

/** Closes the pending revision. A rejected correction or retraction leaves the published statement as it is. */
function close(v: VerbContext, draft: DraftRow, rev: RevisionRow, type: 'draft.rejected' | 'draft.cancelled', reason: string | null): void {
  const firstStatement = rev.kind === 'statement';
  const status = firstStatement ? (type === 'draft.rejected' ? DRAFT_STATUS.rejected : DRAFT_STATUS.cancelled) : DRAFT_STATUS.published;
  v.tx
    .update(drafts)
    .set({ status, pendingRevisionId: null, ...(firstStatement ? { closedReason: reason } : {}), updatedAt: dbNow })
    .where(eq(drafts.id, draft.id))
    .run();
  appendAudit(v.tx, { type, ...auditBase(v, draft.id), data: { revision: rev.number, kind: rev.kind, reason } });
}

/** `/reject <draft> <reason>`: an approver closes the pending revision, saying why. */
export function rejectDraft(v: VerbContext, input: { draftId: number; reason: string }): void {
  const reason = input.reason.trim();
  if (!reason) throw invalidInput(`Say why, so the drafter can fix it: /reject #${input.draftId} <reason>.`);
  const draft = getDraft(v.tx, input.draftId);
  close(v, draft, pendingRevision(v.tx, draft, 'reject'), 'draft.rejected', reason);
}

export { close as closeRevision };
