import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { hot, prepared } from '../../store/prepared';
import { approvals, revisions } from '../../store/schema';
import { appendAudit } from '../../audit/append';
import { conflict, forbidden, HeraldError } from '../errors';
import { startBroadcast, type BroadcastKind } from '../broadcast/start';
import { StalePreview } from '../previews/stale';
import { auditBase, type VerbContext } from './context';
import { approversOf, getDraft, pendingRevision, type DraftRow, type RevisionRow } from './load';
import { lastShown, revisionLabel } from './shown';
import { approvalsNeeded } from './policy';
import { checkBreakGlass, recordBreakGlass } from '../breakglass/use';
import { ratifyBreakGlass, unratified } from '../breakglass/ratify';

export interface ApproveResult {
  have: number;
  need: number;
  broadcastId?: number;
  /** What the broadcast does, once one started. */
  kind?: BroadcastKind;
  /** Published on one approval by break glass: a second approver must ratify it by then. */
  breakGlass?: { ratifyBy: Date };
  /** The approval ratified a break-glass publication. */
  ratified?: true;
}

/** What the approver says they read: the button's revision, or `r3` / the short hash typed after the draft id. */
export interface ApproveInput {
  draftId: number;
  /** The revision printed above the button that was pressed. */
  revision?: number;
  /** Typed after the draft id: a revision number, or the short content hash from the preview. */
  named?: { number: number } | { hash: string };
  /** A typed /approve naming no revision: bound to what this chat was last shown. */
  typed?: boolean;
  /** `/approve #12 break-glass "<reason>"`: publish on this one approval, where the policy allows it. */
  breakGlass?: { reason: string };
}

const insertApproval = hot((db: DbOrTx) =>
  db
    .insert(approvals)
    .values({ draftId: sql.placeholder('draftId'), revisionId: sql.placeholder('revisionId'), contentHash: sql.placeholder('contentHash'), approver: sql.placeholder('approver'), approverName: sql.placeholder('approverName'), platform: sql.placeholder('platform') })
    .prepare());
const writersOf = hot((db: DbOrTx) => db.select({ number: revisions.number, by: revisions.createdBy }).from(revisions).where(eq(revisions.draftId, sql.placeholder('draftId'))).prepare());

const conflictShowing = (draftId: number, message: string) => new HeraldError('conflict', message, { showDraft: draftId });

/**
 * `/approve` or the Approve button. The approval is bound to the revision the approver saw (the
 * button's, the one they named, or for a plain typed /approve the one last shown in their chat),
 * and to its content hash. Nobody who wrote any revision of the draft counts as its approver.
 */
export function approveDraft(v: VerbContext, input: ApproveInput): ApproveResult {
  const draft = getDraft(v.tx, input.draftId);
  const glass = draft.pendingRevisionId == null && !input.breakGlass ? unratified(v, draft.id) : undefined;
  if (glass) {
    ratifyBreakGlass(v, draft, glass);
    return { have: 2, need: 2, ratified: true };
  }
  const rev = pendingRevision(v.tx, draft, 'approve');
  const label = revisionLabel(rev.number, rev.contentHash).toLowerCase();
  if (input.revision !== undefined && input.revision !== rev.number) {
    throw new StalePreview(draft.id, `Draft #${draft.id} changed after that preview: it is now revision ${rev.number}. Review the new preview with /show #${draft.id} and approve that one.`);
  }
  const named = input.named;
  if (named && ('number' in named ? named.number !== rev.number : !rev.contentHash.startsWith(named.hash.toLowerCase()))) {
    const what = 'number' in named ? `r${named.number}` : named.hash;
    throw conflictShowing(draft.id, `#${draft.id} is now at ${label}, not ${what}, so nothing was approved; read the preview below and approve that one.`);
  }
  refuseWriters(v, draft, rev);
  const existing = approversOf(v.tx, rev.id, rev.contentHash);
  const need = approvalsNeeded(v.core.config, draft);
  if (existing.some((a) => a.approver === v.who.key)) {
    const left = need - existing.length;
    throw conflict(`You already approved revision ${rev.number} of #${draft.id}; it needs ${left} more approval${left === 1 ? '' : 's'} from other approvers.`);
  }
  if (input.typed && !named) {
    const shown = lastShown(v.tx, draft.id, v.actor.platform, v.chatId);
    if (shown !== rev.id) {
      throw conflictShowing(
        draft.id,
        shown === null
          ? `#${draft.id} has not been shown here yet, so nothing was approved; read the preview below, then /approve #${draft.id} again.`
          : `#${draft.id} changed since it was last shown here: it is now ${label}, so nothing was approved; read the preview below, then /approve #${draft.id} again.`,
      );
    }
  }
  const breaking = input.breakGlass && existing.length + 1 < need ? input.breakGlass : undefined;
  if (breaking) checkBreakGlass(v, draft, rev, breaking.reason);
  prepared(v.tx, insertApproval).run({ draftId: draft.id, revisionId: rev.id, contentHash: rev.contentHash, approver: v.who.key, approverName: v.who.name, platform: v.actor.platform });
  const have = existing.length + 1;
  appendAudit(v.tx, {
    type: 'draft.approved',
    ...auditBase(v, draft.id),
    data: { revision: rev.number, kind: rev.kind, contentHash: rev.contentHash, approvals: have, needed: need, ...(breaking ? { breakGlass: true } : {}) },
  });
  if (breaking) {
    const { ratifyBy } = recordBreakGlass(v, draft, rev, breaking.reason);
    return { have, need, breakGlass: { ratifyBy }, broadcastId: startBroadcast(v, draft, rev).broadcastId };
  }
  if (have < need) return { have, need };
  const started = startBroadcast(v, draft, rev);
  return { have, need, broadcastId: started.broadcastId, kind: started.kind };
}

/** The draft's author and whoever wrote any later revision (even one that changed only next_update). */
function refuseWriters(v: VerbContext, draft: DraftRow, rev: RevisionRow): void {
  if (rev.createdBy === v.who.key) {
    throw forbidden(`You wrote ${rev.number > 1 ? `revision ${rev.number} of ` : ''}#${draft.id}, so your approval does not count; another approver has to approve it.`);
  }
  const writers = prepared(v.tx, writersOf).all({ draftId: draft.id });
  const mine = writers.filter((w) => w.by === v.who.key).map((w) => w.number);
  if (draft.author === v.who.key || mine.length) {
    const which = mine.length ? `revision ${Math.max(...mine)} of #${draft.id}` : `#${draft.id}`;
    throw forbidden(`You wrote ${which}, and nobody who wrote any part of a statement counts as its approver; another approver has to approve it.`);
  }
}
