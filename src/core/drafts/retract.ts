import { and, asc, eq } from 'drizzle-orm';
import { broadcasts } from '../../store/schema';
import { conflict, invalidInput, notFound } from '../errors';
import { sha256 } from '../../util/hash';
import { utcMinute } from '../../util/time';
import type { Severity } from '../../config/types';
import { retractionNoticeOn } from '../broadcast/reach';
import { contentHash, renderTemplate, type Rendered } from '../statement/render';
import { validateValues } from '../statement/values';
import type { VerbContext } from './context';
import { getDraft, getRevision, renderedOf, valuesOf, type DraftRow } from './load';
import { addRevision, renderOptions } from './revise';
import { DRAFT_STATUS, describeDraft } from './states';

export const RETRACTION_NOTICE = 'notices/retraction-notice';

/**
 * The public notice that replaces a retracted statement, rendered and checked now so that
 * approvers approve its exact text (the reason goes out publicly, through the same guards as any value).
 */
function retractionNotice(v: VerbContext, draft: DraftRow, reason: string): Rendered['notice'] {
  if (!retractionNoticeOn(v.core.config, draft.severity as Severity)) return undefined;
  const template = v.core.library.notices.get(RETRACTION_NOTICE);
  if (!template) {
    throw notFound(`The ${draft.severity} policy posts a retraction notice, but templates/${RETRACTION_NOTICE}.hbs is missing; restore it, or set retraction_notice: false on the policy.`);
  }
  const first = v.tx.select({ at: broadcasts.createdAt }).from(broadcasts).where(and(eq(broadcasts.draftId, draft.id), eq(broadcasts.kind, 'publish'))).orderBy(asc(broadcasts.id)).get();
  const values = validateValues(template, { reason, ...(first ? { statement: `our update of ${utcMinute(first.at)} UTC` } : {}) }, v.core.config);
  const { discord, telegram, x, plain } = renderTemplate(template, values, v.core.config, renderOptions(v.core.config.drill?.label, false));
  return { discord, telegram, x, plain };
}

/** `/retract <draft> <reason>`: once approved, every post of the statement is deleted (and, where the policy says, a notice says why). */
export function retractDraft(v: VerbContext, input: { draftId: number; reason: string }): number {
  const reason = input.reason.trim();
  if (!reason) throw invalidInput(`Say why it is retracted; the reason is kept for the review: /retract #${input.draftId} <reason>.`);
  const draft = getDraft(v.tx, input.draftId);
  if (draft.status !== DRAFT_STATUS.published || draft.publishedRevisionId == null) {
    throw conflict(`Draft #${draft.id} is ${describeDraft(draft)}; only a published statement can be retracted${draft.status === DRAFT_STATUS.awaitingApproval ? ` (use /cancel #${draft.id} for an unpublished draft)` : ''}.`);
  }
  const published = getRevision(v.tx, draft.publishedRevisionId);
  const notice = retractionNotice(v, draft, reason);
  return addRevision(v, draft, {
    kind: 'retraction',
    status: DRAFT_STATUS.retractionPending,
    values: valuesOf(published),
    rendered: { ...renderedOf(published), ...(notice ? { notice } : {}) },
    // Approvers approve deleting exactly this published text, for this reason, and the notice that follows.
    hash: sha256(`retract\n${published.contentHash}\n${reason}${notice ? `\n${contentHash(notice)}` : ''}`),
    templateHash: published.templateHash,
    reason,
    auditType: 'draft.retraction_proposed',
  }).number;
}
