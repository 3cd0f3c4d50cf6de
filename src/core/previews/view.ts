import { and, asc, desc, eq } from 'drizzle-orm';
import { approvalsNeeded } from '../drafts/policy';
import { platformName } from '../../config/schema';
import twitterText from 'twitter-text';
import { breakGlass, broadcasts, deliveries } from '../../store/schema';
import type { DbOrTx } from '../../store/db';
import type { Core } from '../core';
import type { Severity } from '../../config/types';
import { summarise, type PlatformSummary, type Rendered } from '../statement/render';
import { approversOf, getDraft, getRevision, renderedOf, valuesOf, type DraftRow, type RevisionRow } from '../drafts/load';
import { describeDraft, PENDING } from '../drafts/states';
import { revisionLabel } from '../drafts/shown';
import { platformsReached, reachPlan, retractionNoticeOn, type Reach, type ReachKind, type Withheld } from '../broadcast/reach';
import { activeMarks } from '../channels/marks';
import { publicationViews } from '../publications/view';
import { promiseText } from '../promises/format';

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
  /** Where the shown revision goes when approved, and how (for a retraction: where posts are deleted). */
  targets: Reach[];
  /** A /compromised or /restored draft: the target its approval marks or frees, and what happened. */
  channel: { targetId: string; change: string; reason: string | null } | null;
  /** Targets it would go to but does not, with why (marked compromised). */
  withheld: Withheld[];
  /** Only the platforms the targets reach; a correction's platform with nothing to post has no parts. */
  platforms: Array<PlatformSummary & { postsWithLinks?: number }>;
  /** A retraction's public notice: its text, or why none is posted. */
  notice: { plain: string } | { off: string } | null;
  broadcastKind: string | null;
  deliveries: DeliveryView[];
  /** Published on one approval by break glass: the line that says so, until and after ratification. */
  breakGlass: string | null;
}

const REACH_OF_REVISION: Record<string, ReachKind> = { statement: 'publish', correction: 'correct', retraction: 'retract' };

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
  const { reach: targets, withheld } = reachPlan(core.config, db, draft, REACH_OF_REVISION[rev.kind] ?? 'publish');
  const marks = activeMarks(db);
  const reached = platformsReached(targets);
  const platforms = summarise(rendered)
    .filter((p) => reached.includes(p.platform))
    .map((p) => (p.platform === 'x' ? { ...p, postsWithLinks: rendered.x.filter((t) => twitterText.extractUrls(t).length > 0).length } : p));
  const severity = draft.severity as Severity;
  const notice =
    rev.kind !== 'retraction'
      ? null
      : rendered.notice
        ? { plain: rendered.notice.plain }
        : { off: retractionNoticeOn(core.config, severity) ? 'no notice was prepared for it' : `retraction_notice is off for ${severity}` };
  return {
    draftId: draft.id,
    templateId: draft.templateId,
    title: core.library.templates.get(draft.templateId)?.title ?? draft.templateId,
    severity: draft.severity as Severity,
    status: draft.status,
    statusText: publishing(latest?.kind, rows) ?? describeDraft(draft),
    author: draft.authorName,
    revision: { number: rev.number, kind: rev.kind, reason: rev.reason, createdBy: rev.createdBy, contentHash: rev.contentHash },
    approvals: { names: pending ? approversOf(db, rev.id, rev.contentHash).map((a) => a.approverName) : [], need: approvalsNeeded(core.config, draft) },
    awaitingApproval: pending,
    nextUpdate: valuesOf(rev).next_update || null,
    rendered,
    targets,
    channel: draft.channelTarget && draft.channelChange ? { targetId: draft.channelTarget, change: draft.channelChange, reason: draft.channelReason } : null,
    withheld,
    platforms,
    notice,
    broadcastKind: latest?.kind ?? null,
    deliveries: [...rows.map((d) => ({
      targetId: d.targetId,
      platform: d.platform,
      status: d.status,
      link: d.link,
      error: d.status === 'sent' ? null : d.lastError,
      notes: d.status === 'sent' ? d.lastError : null,
      attempts: d.attempts,
      next: d.status === 'pending' && d.lastError ? `retrying${d.notBefore ? ` at ${d.notBefore.slice(11, 19)} UTC` : ''}` : d.status === 'failed' ? `not retried; fix the cause, then /retry #${draft.id}` : d.status === 'held' && !marks.has(d.targetId) ? `${d.targetId} is restored; /retry #${draft.id} sends it there if it still should` : null,
    })), ...(latest ? publicationViews(core.config, db) : [])],
    breakGlass: breakGlassText(core, db, draft.id),
  };
}

/**
 * Whoever reads the preview must see that it went out on one approval, and whether anyone has
 * stood behind it since: the break_glass row says both.
 */
function breakGlassText(core: Core, db: DbOrTx, draftId: number): string | null {
  const g = db.select().from(breakGlass).where(eq(breakGlass.draftId, draftId)).orderBy(desc(breakGlass.id)).limit(1).get();
  if (!g) return null;
  const now = new Date(core.now());
  const head = `🔓 Break glass: published on ${g.usedByName}'s approval alone ("${g.reason}")`;
  return g.ratifiedAt
    ? `${head}; ratified by ${g.ratifiedBy} at ${promiseText(new Date(g.ratifiedAt), now)}.`
    : `${head}; a second approver must ratify it with /approve #${draftId} by ${promiseText(new Date(g.ratifyBy), now)}.`;
}

/**
 * A broadcast whose deliveries are not all settled is still going out: "publishing (2 of 3
 * sent)", never "published" while a target waits (an operator reading "published" stops looking).
 */
function publishing(kind: string | undefined, rows: Array<{ status: string }>): string | null {
  if (kind !== 'publish' || !rows.some((d) => d.status === 'pending')) return null;
  return `publishing (${rows.filter((d) => d.status === 'sent').length} of ${rows.length} sent)`;
}

// `4,096`: lengths and limits are whole numbers. Grouped here rather than by toLocaleString, whose
// number formatter would be the process's first use of ICU and keep its locale data resident
// (several MB of herald's RSS, measured with bench/fanout.ts) for a comma.
const n = (v: number) => String(v).replace(/\B(?=(\d{3})+$)/g, ',');

export const DELIVERY_ICON: Record<string, string> = { sent: '✅', pending: '⏳', failed: '❌', held: '⏸' };

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
  if (view.breakGlass) lines.push(view.breakGlass);
  if (view.revision.reason) lines.push(`Reason: ${view.revision.reason}`);
  if (view.channel) lines.push(channelText(view.channel));
  if (view.nextUpdate) lines.push(`Next update: ${view.nextUpdate}`);
  lines.push('', ...whereText(view), '');
  for (const p of view.platforms) {
    if (p.parts === 0) {
      lines.push(`${platformName(p.platform)}: unchanged, nothing posted`);
      continue;
    }
    const what = p.platform === 'x' ? (p.parts > 1 ? `thread of ${p.parts} posts` : '1 post') : p.parts > 1 ? `${p.parts} messages` : '1 message';
    const links = p.postsWithLinks ? `, ${p.postsWithLinks} with a link` : '';
    lines.push(`${platformName(p.platform)} — ${what}: ${p.lengths.map(n).join(' + ')} of ${n(p.limit)} ${p.unit}${links}`);
  }
  if (view.deliveries.length) {
    lines.push('');
    lines.push(view.broadcastKind === 'retract' ? 'Retraction:' : view.broadcastKind === 'correct' ? 'Correction:' : 'Deliveries:');
    lines.push(...deliveryLines(view.deliveries, view.draftId));
  }
  return lines.join('\n');
}

/**
 * Past this many targets the preview counts them by platform instead of giving each a line: a
 * hundred channels would not fit in one Telegram message (4,096 characters) or a Discord one
 * (2,000), and the preview must stay one message to be edited in place as deliveries land.
 */
export const MANY_TARGETS = 12;
/** In a long list, the deliveries not yet sent are still named, this many at most. */
const NAMED_UNSENT = 8;

function deliveryLines(list: DeliveryView[], draftId: number): string[] {
  const line = (d: DeliveryView) => {
    const { icon, detail } = deliveryLine(d);
    return `${icon} ${d.targetId} (${platformName(d.platform)}) — ${detail}`;
  };
  if (list.length <= MANY_TARGETS) return list.map(line);
  const out: string[] = [];
  for (const platform of [...new Set(list.map((d) => d.platform))]) {
    const mine = list.filter((d) => d.platform === platform);
    const counts = Object.keys(DELIVERY_ICON)
      .map((status) => [status, mine.filter((d) => d.status === status).length] as const)
      .filter(([, count]) => count > 0)
      .map(([status, count]) => `${DELIVERY_ICON[status]} ${count} ${status}`);
    out.push(`${platformName(platform)}, ${mine.length} ${mine.length === 1 ? 'target' : 'targets'}: ${counts.join(' · ')}`);
  }
  // What still needs someone's eyes, by name: a failure, a wait, a target held back.
  const unsent = list.filter((d) => d.status !== 'sent');
  out.push(...unsent.slice(0, NAMED_UNSENT).map(line));
  if (unsent.length > NAMED_UNSENT) out.push(`… and ${unsent.length - NAMED_UNSENT} more not sent yet; herald audit export --draft ${draftId} lists every delivery`);
  return out;
}

/** What approving a /compromised or /restored draft does besides posting its statement. */
function channelText(c: NonNullable<DraftView['channel']>): string {
  const t = c.targetId;
  return c.change === 'compromised'
    ? `Marks ${t} compromised (${c.reason ?? ''}): once approved, nothing more goes to ${t}, not even statements already approved, until /restored ${t}.`
    : `Marks ${t} ours again: once approved, statements go to ${t} again; what was held there stays held (/retry sends it).`;
}

/** Where the statement goes and how, one target a line: what an approver agrees to besides the text. */
export function whereText(view: DraftView): string[] {
  const kind = view.revision.kind;
  const head = kind === 'retraction' ? 'Deletes the posts on:' : kind === 'correction' ? 'Corrects the posts on:' : 'Goes to:';
  const lines = [head];
  const each: Array<{ targetId: string; platform: string; how: string }> = [];
  for (const t of view.targets) {
    const how =
      kind === 'statement'
        ? t.platform === 'x'
          ? 'X has no pins or @everyone'
          : [t.platform === 'discord' ? (t.pingEveryone ? '@everyone' : 'no @everyone') : null, t.pin ? 'pinned' : 'not pinned'].filter(Boolean).join(', ')
        : kind === 'correction'
          ? view.platforms.find((p) => p.platform === t.platform)?.parts === 0
            ? 'unchanged, nothing posted'
            : t.platform === 'x'
              ? 'a "Correction:" reply to the original'
              : 'edited in place'
          : 'deleted';
    each.push({ targetId: t.targetId, platform: t.platform, how });
  }
  if (each.length <= MANY_TARGETS) for (const t of each) lines.push(`• ${t.targetId} on ${platformName(t.platform)}: ${t.how}`);
  else {
    // Many targets: one line for each platform and way of posting, naming the first few.
    const groups = new Map<string, typeof each>();
    for (const t of each) groups.set(`${t.platform}\n${t.how}`, [...(groups.get(`${t.platform}\n${t.how}`) ?? []), t]);
    for (const g of groups.values()) {
      const names = g.slice(0, 3).map((t) => t.targetId).join(', ');
      const more = g.length > 3 ? `, … and ${g.length - 3} more` : '';
      lines.push(`• ${g.length} on ${platformName(g[0]!.platform)} (${names}${more}): ${g[0]!.how}`);
    }
  }
  for (const w of view.withheld) lines.push(`• ${w.targetId} on ${platformName(w.platform)}: ${DELIVERY_ICON.held} ${w.why}`);
  if (view.notice) {
    if ('plain' in view.notice) lines.push('', 'Then posts this public notice on each of them:', view.notice.plain);
    else lines.push('', `No public notice is posted (${view.notice.off}).`);
  }
  return lines;
}

/**
 * One delivery in words, the same in every preview, /status and the console. One meaning per
 * sign: ⏳ pending or retrying (with the reason and when), ✅ sent, ❌ failed and not retried,
 * ⏸ held back from a target marked compromised.
 * A retrying delivery is never ❌: an operator who reads ❌ as final posts by hand, and the
 * retry then makes a duplicate.
 */
export function deliveryLine(d: DeliveryView): { icon: string; detail: string } {
  const detail =
    d.status === 'sent'
      ? `${d.link ?? 'sent'}${d.notes ? ` (⚠️ ${d.notes})` : ''}`
      : d.status === 'held'
        ? `${d.error ?? 'held'}${d.next ? `; ${d.next}` : ''}`
        : d.status === 'pending' ? (d.error ? `${d.error}; ${d.next}` : 'pending') : `${d.error ?? 'failed'}; ${d.next}`;
  return { icon: DELIVERY_ICON[d.status] ?? '•', detail };
}

/** The statement as it will read on X, for previews on any platform. */
export function xThreadText(view: DraftView): string {
  return view.rendered.x.join('\n\n—\n\n');
}
