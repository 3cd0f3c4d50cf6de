import { and, eq, gte, isNotNull } from 'drizzle-orm';
import { deliveries, deliveryParts, drafts, revisions } from '../../store/schema';
import { dbNow } from '../../store/now';
import { appendAudit } from '../../audit/append';
import { contentHash, renderTemplate, type Rendered, type RenderOptions } from '../statement/render';
import { validateValues } from '../statement/values';
import { notFound } from '../errors';
import type { Template } from '../templates/library';
import { auditBase, type VerbContext } from './context';
import { latestRevisionNumber, valuesOf, type DraftRow, type RevisionRow } from './load';
import { correctionNotice, drillMarks } from './notice';
import { fitPost, xCorrection } from './x-correction';
import { readNextUpdate } from '../incidents/next-update';
import { trustedOrg } from '../channels/marks';
import type { DraftStatus, RevisionKind } from './states';

export function templateOf(v: VerbContext, draft: DraftRow): Template {
  const template = v.core.library.templates.get(draft.templateId);
  if (!template) throw notFound(`Template ${draft.templateId} of draft #${draft.id} is no longer in the library; ask an operator to restore it.`);
  return template;
}

/**
 * Validates and renders values for a template: everything that can be refused, before any write.
 * A correction carries a visible notice; on X, where it is a new post, it says what changed
 * compared with the published values (`correction.published`), or posts nothing.
 */
export function prepare(v: VerbContext, template: Template, values: Record<string, string>, correction?: { published: Record<string, string> }, previous?: RevisionRow) {
  const promised = readNextUpdate(v.core, template, validateValues(template, values, v.core.config), previous && { value: valuesOf(previous).next_update, at: previous.nextUpdateAt });
  const checked = promised.values;
  const drill = v.core.config.drill?.label;
  const options = renderOptions(drill, correction !== undefined);
  const context = trustedOrg(v.core.config, v.tx);
  let rendered = renderTemplate(template, checked, context, options);
  // X refuses a post whose text equals one of the account's recent posts, and threads often end
  // alike ("Status page … Next update …"). Such a thread is stamped with the time instead.
  const recent = recentXTexts(v.tx);
  const stamp = `${new Date().toISOString().slice(11, 16)} UTC`;
  if (correction) {
    const x = xCorrection(template, correction.published, checked, v.core.config, { drill, base: renderOptions(drill, false) });
    rendered = { ...rendered, x: x.map((post) => (recent.has(post) ? fitPost(post, ` (${stamp})`) : post)) };
  } else if (rendered.x.some((post) => recent.has(post))) {
    rendered = renderTemplate(template, checked, context, { ...options, xLabel: [options.xLabel, stamp].filter(Boolean).join(' ') });
  }
  return { values: checked, rendered, hash: contentHash(rendered), nextUpdateAt: promised.nextUpdateAt };
}

/** What herald posted on X in the last 24 hours: X's window for refusing duplicate text. */
function recentXTexts(tx: VerbContext['tx']): Set<string> {
  const since = new Date(Date.now() - 24 * 3600_000).toISOString();
  const rows = tx
    .select({ text: deliveryParts.text })
    .from(deliveryParts)
    .innerJoin(deliveries, eq(deliveries.id, deliveryParts.deliveryId))
    .where(and(eq(deliveries.platform, 'x'), gte(deliveryParts.sentAt, since), isNotNull(deliveryParts.text)))
    .all();
  return new Set(rows.map((r) => r.text!));
}

/** A drill marks every post (on X, every post of the thread carries the label before its number). */
export function renderOptions(drill: string | undefined, correction: boolean): RenderOptions {
  const marks = drill ? drillMarks(drill) : undefined;
  const suffix = [marks?.suffix, correction ? correctionNotice() : undefined].filter(Boolean).join('\n\n');
  const xLabel = [drill, correction ? (drill ? 'correction' : 'Correction') : undefined].filter(Boolean).join(' ');
  return { ...(marks ? { prefix: marks.prefix } : {}), ...(suffix ? { suffix } : {}), ...(xLabel ? { xLabel } : {}) };
}

/**
 * Adds the next revision and makes it the one awaiting approval. Earlier approvals stay in the
 * store as history but no longer count: they are bound to the old revision's content hash.
 */
export function addRevision(
  v: VerbContext,
  draft: DraftRow,
  r: { kind: RevisionKind; status: DraftStatus; values: Record<string, string>; rendered: Rendered; hash: string; templateHash: string; reason?: string; auditType: string; nextUpdateAt?: string | null },
): { id: number; number: number } {
  const number = latestRevisionNumber(v.tx, draft.id) + 1;
  const rev = v.tx
    .insert(revisions)
    .values({
      draftId: draft.id,
      number,
      kind: r.kind,
      valuesJson: JSON.stringify(r.values),
      templateHash: r.templateHash,
      contentHash: r.hash,
      renderedJson: JSON.stringify(r.rendered),
      reason: r.reason ?? null,
      nextUpdateAt: r.nextUpdateAt ?? null,
      createdBy: v.who.key,
    })
    .returning({ id: revisions.id })
    .get();
  v.tx
    .update(drafts)
    .set({ pendingRevisionId: rev.id, status: r.status, updatedAt: dbNow })
    .where(eq(drafts.id, draft.id))
    .run();
  appendAudit(v.tx, {
    type: r.auditType,
    ...auditBase(v, draft.id),
    data: { template: draft.templateId, revision: number, kind: r.kind, values: r.values, nextUpdateAt: r.nextUpdateAt ?? undefined, contentHash: r.hash, templateHash: r.templateHash, reason: r.reason, text: r.rendered.plain },
  });
  return { id: rev.id, number };
}
