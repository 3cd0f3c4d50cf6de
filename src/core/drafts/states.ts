export const DRAFT_STATUS = {
  awaitingApproval: 'awaiting_approval',
  published: 'published',
  correctionPending: 'correction_pending',
  retractionPending: 'retraction_pending',
  rejected: 'rejected',
  cancelled: 'cancelled',
  retracted: 'retracted',
} as const;
export type DraftStatus = (typeof DRAFT_STATUS)[keyof typeof DRAFT_STATUS];

export type RevisionKind = 'statement' | 'correction' | 'retraction';

/** Statuses in which a revision waits for approvers. */
export const PENDING: readonly string[] = [DRAFT_STATUS.awaitingApproval, DRAFT_STATUS.correctionPending, DRAFT_STATUS.retractionPending];

export function describeStatus(status: string): string {
  switch (status) {
    case DRAFT_STATUS.awaitingApproval:
      return 'awaiting approval';
    case DRAFT_STATUS.published:
      return 'published';
    case DRAFT_STATUS.correctionPending:
      return 'published, with a correction awaiting approval';
    case DRAFT_STATUS.retractionPending:
      return 'published, with a retraction awaiting approval';
    default:
      return status;
  }
}

/** The draft's state in words, with the reason it was closed where there is one. */
export function describeDraft(draft: { status: string; closedReason: string | null }): string {
  const closed = draft.status === DRAFT_STATUS.rejected || draft.status === DRAFT_STATUS.retracted;
  return describeStatus(draft.status) + (closed && draft.closedReason ? ` (${draft.closedReason})` : '');
}
