import { utcMinute } from '../../util/time';
import { durationText, promiseText } from '../promises/format';
import { reminderStatus } from '../promises/schedule';
import type { IncidentRow } from '../incidents/load';
import { incidentStory, type PromiseRow } from './incident';
import type { DbOrTx } from '../../store/db';

const hm = (iso: string) => `${utcMinute(iso).slice(11)} UTC`;

/** A promise's state in words: open and due when, or kept/missed by how much. */
export function promiseState(p: PromiseRow, now: Date): string {
  const due = new Date(p.dueAt);
  const at = promiseText(due, now);
  if (!p.outcome) return `${at} — open, ${reminderStatus(due, now)}`;
  if (p.outcome === 'superseded') return `${at} — superseded`;
  const margin = durationText(Math.round(Math.abs(due.getTime() - Date.parse(p.settledAt!)) / 60_000));
  return p.outcome === 'kept' ? `${at} — kept, ${margin} early (#${p.settledByDraftId})` : `${at} — missed by ${margin} (#${p.settledByDraftId})`;
}

/** `/incident`: the open incidents, one line each. */
export function openIncidentsText(rows: IncidentRow[], promiseOf: (id: number) => PromiseRow | undefined, now: Date): string {
  if (!rows.length) return 'No incident is open. The first sev1 or sev2 /draft opens one, or /incident open <title>.';
  const lines = rows.map((i) => {
    const p = promiseOf(i.id);
    return `${i.id} · ${i.severity ?? 'no statement yet'} · ${i.title} — open since ${hm(i.openedAt)}${p ? `; next update ${promiseState(p, now)}` : ''}`;
  });
  return `Open incidents:\n${lines.join('\n')}\n/incident <id> shows one's timeline.`;
}

/** `/incident <id>`: the timeline of statements, approvals, deliveries, promises and break-glass uses. */
export function timelineText(db: DbOrTx, incidentId: number, now: Date): string {
  const s = incidentStory(db, incidentId);
  const i = s.incident;
  const lines = [`Incident ${i.id} · ${i.severity ?? 'no statement yet'} · ${i.title} — ${i.status === 'open' ? 'open' : `closed ${hm(i.closedAt!)} (${i.closedReason})`}`, `${hm(i.openedAt)} opened by ${i.openedBy}`];
  for (const st of s.statements) {
    lines.push(`${hm(st.draft.createdAt)} #${st.draft.id} ${st.draft.templateId}${st.draft.holding ? ' (holding)' : ''} drafted by ${st.draft.authorName} — ${st.draft.status.replace(/_/g, ' ')}`);
    for (const b of st.broadcasts) {
      const who = b.approvals.map((a) => a.approverName).join(', ') || 'nobody';
      const where = b.deliveries.map((d) => `${d.targetId} ${d.status === 'sent' ? `✅ ${d.firstSentAt ? hm(d.firstSentAt) : ''}`.trim() : d.status === 'failed' ? `❌ ${d.lastError ?? ''}`.trim() : d.status === 'held' ? '⏸ held (marked compromised)' : '⏳'}`).join(', ');
      lines.push(`${hm(b.createdAt)} #${st.draft.id} ${b.kind} r${b.revision}${b.reason ? ` (${b.reason})` : ''}, approved by ${who}: ${where}`);
    }
  }
  for (const g of s.breakGlass) lines.push(`${hm(g.usedAt)} break glass on #${g.draftId} by ${g.usedByName}: "${g.reason}" — ${g.ratifiedAt ? `ratified by ${g.ratifiedBy} at ${hm(g.ratifiedAt)}` : `not ratified (due ${hm(g.ratifyBy)})`}`);
  for (const p of s.promises) lines.push(`Promise of #${p.draftId}: ${promiseState(p, now)}`);
  return lines.join('\n');
}
