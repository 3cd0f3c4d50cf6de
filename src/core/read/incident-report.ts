import type { DbOrTx } from '../../store/db';
import { utcSecond } from '../../util/time';
import { durationText } from '../promises/format';
import { firstCommunication, incidentStory, type PromiseRow } from './incident';

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
 * The post-incident communication review of one incident, as Markdown, from the rows alone:
 * time to first communication per target, every statement with its approvers and delivery
 * times, each promise kept or missed, holds, break-glass uses, corrections and retractions.
 */
export function incidentReport(db: DbOrTx, incidentId: number): string {
  const s = incidentStory(db, incidentId);
  const i = s.incident;
  const out: string[] = [`# Incident ${i.id}: ${i.title}`, ''];
  out.push(`- Severity: ${i.severity ?? 'none (no statement)'}`);
  out.push(`- Opened: ${at(i.openedAt)} by ${i.openedBy}`);
  out.push(`- ${i.status === 'open' ? 'Still open' : `Closed: ${at(i.closedAt)} (${i.closedReason})`}`, '');

  out.push('## Time to first communication', '', '| target | platform | first post live | after the incident opened |', '| --- | --- | --- | --- |');
  const first = firstCommunication(s);
  for (const f of first) out.push(`| ${f.targetId} | ${f.platform} | ${at(f.at)} | ${spanText(f.afterMs)} |`);
  if (!first.length) out.push('| — | — | nothing was posted | — |');

  out.push('', '## Statements', '');
  for (const st of s.statements) {
    const d = st.draft;
    out.push(`### #${d.id} ${d.templateId}${d.holding ? ' (hold)' : ''}`, '', `Drafted ${at(d.createdAt)} by ${d.authorName}; now ${d.status.replace(/_/g, ' ')}${d.closedReason ? ` (${d.closedReason})` : ''}.`, '');
    if (!st.broadcasts.length) out.push('Never broadcast.', '');
    for (const b of st.broadcasts) {
      const label = b.kind === 'publish' ? 'Published' : b.kind === 'correct' ? 'Correction' : 'Retraction';
      const glass = s.breakGlass.find((g) => g.draftId === d.id && b.kind === 'publish');
      out.push(`${label} (r${b.revision}) at ${at(b.createdAt)}${b.reason ? `, reason: ${b.reason}` : ''}; approved by ${b.approvals.map((a) => `${a.approverName} (${at(a.createdAt)})`).join(', ') || 'nobody'}${glass ? ' — BREAK GLASS' : ''}`, '');
      out.push('| target | status | first post live | link |', '| --- | --- | --- | --- |');
      for (const x of b.deliveries) out.push(`| ${x.targetId} | ${x.status}${x.lastError && x.status === 'failed' ? `: ${x.lastError}` : ''} | ${at(x.firstSentAt)} | ${x.link ?? ''} |`);
      out.push('');
    }
  }

  out.push('## Promises', '', '| made in | due | made | outcome |', '| --- | --- | --- | --- |');
  for (const p of s.promises) out.push(`| #${p.draftId} | ${at(p.dueAt)} | ${at(p.madeAt)} | ${promiseOutcome(p)} |`);
  if (!s.promises.length) out.push('| — | — | — | no promise was made |');

  const holds = s.statements.filter((st) => st.draft.holding);
  out.push('', '## Holds', '', holds.length ? holds.map((h) => `- #${h.draft.id} drafted ${at(h.draft.createdAt)}, ${h.draft.status.replace(/_/g, ' ')}`).join('\n') : 'None.');

  out.push('', '## Break glass', '');
  out.push(
    s.breakGlass.length
      ? s.breakGlass.map((g) => `- #${g.draftId} by ${g.usedByName} at ${at(g.usedAt)}: "${g.reason}"; ${g.ratifiedAt ? `ratified by ${g.ratifiedBy} at ${at(g.ratifiedAt)}` : `NOT ratified (due ${at(g.ratifyBy)})`}`).join('\n')
      : 'None.',
  );

  const changes = s.statements.flatMap((st) => st.broadcasts.filter((b) => b.kind !== 'publish').map((b) => `- #${st.draft.id} ${b.kind === 'correct' ? 'corrected' : 'retracted'} at ${at(b.createdAt)}: ${b.reason ?? 'no reason given'}`));
  out.push('', '## Corrections and retractions', '', changes.length ? changes.join('\n') : 'None.', '');
  return out.join('\n');
}
