import type { DbOrTx } from '../../store/db';
import { utcSecond } from '../../util/time';
import { durationText } from '../promises/format';
import { firstCommunication, incidentStory, type IncidentStory, type PromiseRow } from './incident';

/** `3 min 20 s`: a span the review reads, to the second. */
export function spanText(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const s = Math.round(Math.abs(ms) / 1000);
  const minutes = Math.floor(s / 60);
  const rest = s % 60;
  return sign + (minutes ? `${durationText(minutes)}${rest ? ` ${rest} s` : ''}` : `${rest} s`);
}

const at = (iso: string | null) => (iso ? `${utcSecond(iso)} UTC` : '—');

/** How a promise ended: kept or missed, and by how much (to the minute, as promises are made). */
export function promiseOutcome(p: PromiseRow): string {
  if (!p.outcome) return 'open';
  if (p.outcome === 'superseded') return 'superseded';
  const by = spanText(Math.abs(Date.parse(p.dueAt) - Date.parse(p.settledAt!)));
  return p.outcome === 'kept' ? `kept, ${by} early` : `missed by ${by}`;
}

/**
 * The post-incident communication review of one incident, as figures: what `herald incident
 * report` prints and what `audit export` carries per incident, both from this one shape.
 */
export interface IncidentReview {
  incident: { id: number; title: string; severity: string | null; status: string; openedAt: string; openedBy: string; closedAt: string | null; closedReason: string | null };
  /** Per target: the first post live there and how long after the incident opened. */
  firstCommunication: Array<{ targetId: string; platform: string; at: string; afterMs: number }>;
  statements: Array<{
    draftId: number;
    template: string;
    holding: boolean;
    author: string;
    draftedAt: string;
    status: string;
    closedReason: string | null;
    broadcasts: Array<{
      kind: string;
      revision: number;
      at: string;
      reason: string | null;
      breakGlass: boolean;
      approvers: Array<{ name: string; at: string }>;
      deliveries: Array<{ targetId: string; platform: string; status: string; error: string | null; firstSentAt: string | null; link: string | null }>;
    }>;
  }>;
  /** `marginMs`: how far before (positive) or after (negative) its time it was settled; null while open. */
  promises: Array<{ draftId: number; dueAt: string; madeAt: string; outcome: string; settledAt: string | null; settledByDraftId: number | null; marginMs: number | null; summary: string }>;
  holds: Array<{ draftId: number; draftedAt: string; status: string }>;
  breakGlass: Array<{ draftId: number; by: string; at: string; reason: string; ratifyBy: string; ratifiedBy: string | null; ratifiedAt: string | null }>;
  corrections: Array<{ draftId: number; kind: 'correct' | 'retract'; at: string; reason: string | null }>;
}

export function incidentReview(db: DbOrTx, incidentId: number): IncidentReview {
  return reviewOf(incidentStory(db, incidentId));
}

function reviewOf(s: IncidentStory): IncidentReview {
  const i = s.incident;
  return {
    incident: { id: i.id, title: i.title, severity: i.severity, status: i.status, openedAt: i.openedAt, openedBy: i.openedBy, closedAt: i.closedAt, closedReason: i.closedReason },
    firstCommunication: firstCommunication(s),
    statements: s.statements.map(({ draft: d, broadcasts }) => ({
      draftId: d.id,
      template: d.templateId,
      holding: d.holding,
      author: d.authorName,
      draftedAt: d.createdAt,
      status: d.status,
      closedReason: d.closedReason,
      broadcasts: broadcasts.map((b) => ({
        kind: b.kind,
        revision: b.revision,
        at: b.createdAt,
        reason: b.reason,
        breakGlass: b.kind === 'publish' && s.breakGlass.some((g) => g.draftId === d.id),
        approvers: b.approvals.map((a) => ({ name: a.approverName, at: a.createdAt })),
        deliveries: b.deliveries.map((x) => ({ targetId: x.targetId, platform: x.platform, status: x.status, error: x.lastError, firstSentAt: x.firstSentAt, link: x.link })),
      })),
    })),
    promises: s.promises.map((p) => ({
      draftId: p.draftId,
      dueAt: p.dueAt,
      madeAt: p.madeAt,
      outcome: p.outcome ?? 'open',
      settledAt: p.settledAt,
      settledByDraftId: p.settledByDraftId,
      marginMs: p.settledAt && (p.outcome === 'kept' || p.outcome === 'missed') ? Date.parse(p.dueAt) - Date.parse(p.settledAt) : null,
      summary: promiseOutcome(p),
    })),
    holds: s.statements.filter((st) => st.draft.holding).map((h) => ({ draftId: h.draft.id, draftedAt: h.draft.createdAt, status: h.draft.status })),
    breakGlass: s.breakGlass.map((g) => ({ draftId: g.draftId, by: g.usedByName, at: g.usedAt, reason: g.reason, ratifyBy: g.ratifyBy, ratifiedBy: g.ratifiedBy, ratifiedAt: g.ratifiedAt })),
    corrections: s.statements.flatMap((st) =>
      st.broadcasts.filter((b) => b.kind !== 'publish').map((b) => ({ draftId: st.draft.id, kind: b.kind === 'correct' ? ('correct' as const) : ('retract' as const), at: b.createdAt, reason: b.reason })),
    ),
  };
}

/**
 * The post-incident communication review of one incident, as Markdown, from the rows alone:
 * time to first communication per target, every statement with its approvers and delivery
 * times, each promise kept or missed, holds, break-glass uses, corrections and retractions.
 */
export function incidentReport(db: DbOrTx, incidentId: number): string {
  return reviewMarkdown(incidentReview(db, incidentId));
}

/** The review as Markdown; `depth` 2 nests it under a heading of its own (the audit export's). */
export function reviewMarkdown(r: IncidentReview, depth = 1): string {
  const h = (n: number) => '#'.repeat(depth + n - 1);
  const i = r.incident;
  const out: string[] = [`${h(1)} Incident ${i.id}: ${i.title}`, ''];
  out.push(`- Severity: ${i.severity ?? 'none (no statement)'}`);
  out.push(`- Opened: ${at(i.openedAt)} by ${i.openedBy}`);
  out.push(`- ${i.status === 'open' ? 'Still open' : `Closed: ${at(i.closedAt)} (${i.closedReason})`}`, '');

  out.push(`${h(2)} Time to first communication`, '', '| target | platform | first post live | after the incident opened |', '| --- | --- | --- | --- |');
  for (const f of r.firstCommunication) out.push(`| ${f.targetId} | ${f.platform} | ${at(f.at)} | ${spanText(f.afterMs)} |`);
  if (!r.firstCommunication.length) out.push('| — | — | nothing was posted | — |');

  out.push('', `${h(2)} Statements`, '');
  for (const st of r.statements) {
    out.push(`${h(3)} #${st.draftId} ${st.template}${st.holding ? ' (hold)' : ''}`, '', `Drafted ${at(st.draftedAt)} by ${st.author}; now ${st.status.replace(/_/g, ' ')}${st.closedReason ? ` (${st.closedReason})` : ''}.`, '');
    if (!st.broadcasts.length) out.push('Never broadcast.', '');
    for (const b of st.broadcasts) {
      const label = b.kind === 'publish' ? 'Published' : b.kind === 'correct' ? 'Correction' : 'Retraction';
      out.push(`${label} (r${b.revision}) at ${at(b.at)}${b.reason ? `, reason: ${b.reason}` : ''}; approved by ${b.approvers.map((a) => `${a.name} (${at(a.at)})`).join(', ') || 'nobody'}${b.breakGlass ? ' — BREAK GLASS' : ''}`, '');
      out.push('| target | status | first post live | link |', '| --- | --- | --- | --- |');
      for (const x of b.deliveries) out.push(`| ${x.targetId} | ${x.status}${x.error && x.status === 'failed' ? `: ${x.error}` : ''} | ${at(x.firstSentAt)} | ${x.link ?? ''} |`);
      out.push('');
    }
  }

  out.push(`${h(2)} Promises`, '', '| made in | due | made | outcome |', '| --- | --- | --- | --- |');
  for (const p of r.promises) out.push(`| #${p.draftId} | ${at(p.dueAt)} | ${at(p.madeAt)} | ${p.summary} |`);
  if (!r.promises.length) out.push('| — | — | — | no promise was made |');

  out.push('', `${h(2)} Holds`, '', r.holds.length ? r.holds.map((x) => `- #${x.draftId} drafted ${at(x.draftedAt)}, ${x.status.replace(/_/g, ' ')}`).join('\n') : 'None.');

  out.push('', `${h(2)} Break glass`, '');
  out.push(
    r.breakGlass.length
      ? r.breakGlass.map((g) => `- #${g.draftId} by ${g.by} at ${at(g.at)}: "${g.reason}"; ${g.ratifiedAt ? `ratified by ${g.ratifiedBy} at ${at(g.ratifiedAt)}` : `NOT ratified (due ${at(g.ratifyBy)})`}`).join('\n')
      : 'None.',
  );

  const changes = r.corrections.map((c) => `- #${c.draftId} ${c.kind === 'correct' ? 'corrected' : 'retracted'} at ${at(c.at)}: ${c.reason ?? 'no reason given'}`);
  out.push('', `${h(2)} Corrections and retractions`, '', changes.length ? changes.join('\n') : 'None.', '');
  return out.join('\n');
}
