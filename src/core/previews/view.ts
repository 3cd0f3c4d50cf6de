import { and, asc, desc, eq } from 'drizzle-orm';
import { approvalsNeeded } from '../drafts/policy';
import { platformName } from '../../config/schema';
import twitterText from 'twitter-text';
import { broadcasts, deliveries } from '../../store/schema';
import type { DbOrTx } from '../../store/db';
import type { Core } from '../core';
import type { Severity } from '../../config/types';
import { summarise, type PlatformSummary, type Rendered } from '../statement/render';
import { approversOf, getDraft, getRevision, renderedOf, valuesOf, type DraftRow, type RevisionRow } from '../drafts/load';
import { describeDraft, PENDING } from '../drafts/states';
import { revisionLabel } from '../drafts/shown';

export interface DeliveryView {
  targetId: string;
  platform: string;
  status: string;
  link: string | null;
  error: string | null;
  /** What did not work around a sent post (a crosspost or pin that failed); the post itself is up. */
  notes: string | null;
  attempts: number;
  /** What herald does next about a failure, in words. */
  next: string | null;
  /** Pending after a failed attempt (not a wait the platform asked for): shown as ❌ with the retry. */
  failedAttempt: boolean;
}

/** Everything a preview message shows; each chat adapter lays it out with its own buttons. */
export interface DraftView {
  draftId: number;
  templateId: string;
  title: string;
  severity: Severity;
  status: string;
  statusText: string;
  author: string;
  revision: { number: number; kind: string; reason: string | null; createdBy: string; contentHash: string };
  approvals: { names: string[]; need: number };
  /** Whether the Approve / Reject buttons still apply. */
  awaitingApproval: boolean;
  nextUpdate: string | null;
  rendered: Rendered;
  platforms: Array<PlatformSummary & { postsWithLinks?: number }>;
  broadcastKind: string | null;
  deliveries: DeliveryView[];
}

/** Whether a delivery's last attempt failed, as opposed to the platform asking herald to wait (rate_limited). */
function lastAttemptFailed(d: { lastAttemptCode: string | null }): boolean {
  return d.lastAttemptCode !== null && d.lastAttemptCode !== 'rate_limited';
}

function shownRevision(db: DbOrTx, draft: DraftRow): RevisionRow {
  const id = draft.pendingRevisionId ?? draft.publishedRevisionId;
  if (id != null) return getRevision(db, id);
  // Rejected or cancelled before publication: show what was last proposed.
  return db.query.revisions.findFirst({ where: (r, { eq }) => eq(r.draftId, draft.id), orderBy: (r, { desc }) => [desc(r.number)] }).sync()!;
}

export function buildView(core: Core, db: DbOrTx, draftId: number): DraftView {
  const draft = getDraft(db, draftId);
  const rev = shownRevision(db, draft);
  const rendered = renderedOf(rev);
  const latest = db.select().from(broadcasts).where(eq(broadcasts.draftId, draft.id)).orderBy(desc(broadcasts.id)).limit(1).get();
  const rows = latest ? db.select().from(deliveries).where(and(eq(deliveries.broadcastId, latest.id))).orderBy(asc(deliveries.id)).all() : [];
  const pending = PENDING.includes(draft.status);
  const platforms = summarise(rendered).map((p) =>
    p.platform === 'x' ? { ...p, postsWithLinks: rendered.x.filter((t) => twitterText.extractUrls(t).length > 0).length } : p,
  );
  return {
    draftId: draft.id,
    templateId: draft.templateId,
    title: core.library.templates.get(draft.templateId)?.title ?? draft.templateId,
    severity: draft.severity as Severity,
    status: draft.status,
    statusText: describeDraft(draft),
    author: draft.authorName,
    revision: { number: rev.number, kind: rev.kind, reason: rev.reason, createdBy: rev.createdBy, contentHash: rev.contentHash },
    approvals: { names: pending ? approversOf(db, rev.id, rev.contentHash).map((a) => a.approverName) : [], need: approvalsNeeded(core.config, draft) },
    awaitingApproval: pending,
    nextUpdate: valuesOf(rev).next_update || null,
    rendered,
    platforms,
    broadcastKind: latest?.kind ?? null,
    deliveries: rows.map((d) => ({
      targetId: d.targetId,
      platform: d.platform,
      status: d.status,
      link: d.link,
      error: d.status === 'sent' ? null : d.lastError,
      notes: d.status === 'sent' ? d.lastError : null,
      attempts: d.attempts,
      next: d.status === 'pending' && d.lastError ? `retrying${d.notBefore ? ` at ${d.notBefore.slice(11, 19)} UTC` : ''}` : d.status === 'failed' ? `not retried; fix the cause, then /retry #${draft.id}` : null,
      failedAttempt: d.status === 'pending' && d.lastError !== null && lastAttemptFailed(d),
    })),
  };
}

const n = (v: number) => v.toLocaleString('en-US');

export const DELIVERY_ICON: Record<string, string> = { sent: '✅', pending: '⏳', failed: '❌' };

/** The preview's header in plain text: state, approvals, lengths, deliveries. Adapters add buttons. */
export function headerText(view: DraftView): string {
  const lines: string[] = [];
  const kind = view.revision.kind === 'statement' ? '' : ` — ${view.revision.kind}`;
  lines.push(`#${view.draftId} · ${view.templateId} — ${view.title}${kind}`);
  // The short hash is what a typed `/approve #12 1a2b3c4d` names, and how herald knows what a chat was shown.
  lines.push(`${revisionLabel(view.revision.number, view.revision.contentHash)} by ${view.revision.createdBy} · ${view.statusText}`);
  if (view.awaitingApproval) {
    const names = view.approvals.names.length ? ` (${view.approvals.names.join(', ')})` : '';
    lines.push(`Approvals: ${view.approvals.names.length} of ${view.approvals.need}${names}`);
  }
  if (view.revision.reason) lines.push(`Reason: ${view.revision.reason}`);
  if (view.nextUpdate) lines.push(`Next update: ${view.nextUpdate}`);
  lines.push('');
  for (const p of view.platforms) {
    const what = p.platform === 'x' ? (p.parts > 1 ? `thread of ${p.parts} posts` : '1 post') : p.parts > 1 ? `${p.parts} messages` : '1 message';
    const links = p.postsWithLinks ? `, ${p.postsWithLinks} with a link` : '';
    lines.push(`${platformName(p.platform)} — ${what}: ${p.lengths.map(n).join(' + ')} of ${n(p.limit)} ${p.unit}${links}`);
  }
  if (view.deliveries.length) {
    lines.push('');
    lines.push(view.broadcastKind === 'retract' ? 'Retraction:' : view.broadcastKind === 'correct' ? 'Correction:' : 'Deliveries:');
    for (const d of view.deliveries) {
      const { icon, detail } = deliveryLine(d);
      lines.push(`${icon} ${d.targetId} (${platformName(d.platform)}) — ${detail}`);
    }
  }
  return lines.join('\n');
}

/** One delivery in words, the same in every preview and in the console. */
export function deliveryLine(d: DeliveryView): { icon: string; detail: string } {
  const detail = d.status === 'sent' ? `${d.link ?? 'sent'}${d.notes ? ` (⚠️ ${d.notes})` : ''}` : d.status === 'pending' ? (d.error ? `${d.error}; ${d.next}` : 'pending') : `${d.error ?? 'failed'}; ${d.next}`;
  // A failed attempt is a failure the team should see (SPEC: ❌ with the reason and what herald does next), even while it is retried.
  const icon = d.failedAttempt ? DELIVERY_ICON.failed : DELIVERY_ICON[d.status];
  return { icon: icon ?? '•', detail };
}

/** The statement as it will read on X, for previews on any platform. */
export function xThreadText(view: DraftView): string {
  return view.rendered.x.join('\n\n—\n\n');
}
