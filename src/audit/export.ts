import type { Db } from '../store/db';
import { utcSecond } from '../util/time';
import { platformName } from '../config/schema';
import type { AuditRowContent } from './append';
import { verifyAudit } from './verify';
import { incidentReview, reviewMarkdown, type IncidentReview } from '../core/read/incident-report';

export interface ExportFilter {
  since?: string;
  until?: string;
  draftId?: number;
}

export interface AuditRow extends AuditRowContent {
  hash: string;
}

export function readAudit(db: Db, filter: ExportFilter): AuditRow[] {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.since) (where.push('ts >= @since'), (params.since = filter.since));
  if (filter.until) (where.push('ts <= @until'), (params.until = filter.until));
  if (filter.draftId !== undefined) (where.push('draft_id = @draftId'), (params.draftId = filter.draftId));
  return db.$client
    .prepare(
      `SELECT seq, ts, type, actor, platform, chat_id AS "chatId", draft_id AS "draftId", data, hash FROM audit_events
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`,
    )
    .all(params) as AuditRow[];
}

const clip = (s: unknown, n = 120) => {
  const t = String(s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

/** One line a reviewer can read for each event. */
export function describeEvent(row: AuditRow): string {
  const d = JSON.parse(row.data) as Record<string, any>;
  const where = row.platform ? ` on ${platformName(row.platform)}` : '';
  switch (row.type) {
    case 'command.received':
      return `sent \`${clip(d.raw, 80)}\`${where}${d.via === 'button' ? ' (button)' : ''}`;
    case 'command.refused':
      return `was refused: ${d.reason}`;
    case 'command.replayed':
      return `same event delivered again${where}; ignored`;
    case 'draft.created':
      return `drafted ${d.template} (revision 1): “${clip(d.text)}”`;
    case 'draft.edited':
      return `edited to revision ${d.revision}; earlier approvals voided`;
    case 'draft.correction_proposed':
      return `proposed a correction (revision ${d.revision}): “${clip(d.text)}”`;
    case 'draft.retraction_proposed':
      return `proposed retracting it: ${d.reason}`;
    case 'draft.approved':
      return `approved revision ${d.revision} (${d.approvals} of ${d.needed})${d.breakGlass ? ' — BREAK GLASS' : ''}`;
    case 'break_glass.used':
      return `BROKE GLASS on revision ${d.revision}: published on one approval because “${clip(d.reason, 120)}”; to be ratified by ${d.ratifyBy}`;
    case 'break_glass.ratified':
      return `ratified the break-glass publication (revision ${d.revision})`;
    case 'incident.opened':
      return `opened incident ${d.incident}: ${d.title}`;
    case 'incident.closed':
      return `incident ${d.incident} closed: ${d.reason}`;
    case 'promise.made':
      return `promised the next update of incident ${d.incident} by ${d.dueAt}`;
    case 'promise.kept':
    case 'promise.missed':
      return `promise of ${d.dueAt} ${row.type === 'promise.kept' ? 'kept' : 'MISSED'} by ${d.marginMinutes} min`;
    case 'draft.rejected':
      return `rejected revision ${d.revision}: ${d.reason}`;
    case 'draft.cancelled':
      return `cancelled revision ${d.revision}`;
    case 'broadcast.started':
      return `${d.kind === 'publish' ? 'broadcast' : d.kind === 'correct' ? 'correction' : 'retraction'} started to ${(d.targets as string[]).join(', ')}`;
    case 'delivery.attempt':
      // The preview's signs: ⏳ while retrying, ❌ only once herald gives up (delivery.failed).
      return d.ok
        ? `${d.target}: attempt ${d.attempt} succeeded`
        : `${d.retryInMs !== undefined ? '⏳ ' : ''}${d.target}: attempt ${d.attempt} failed (${d.reason})${d.retryInMs !== undefined ? `, retrying in ${Math.round(d.retryInMs / 1000)} s` : ''}`;
    case 'delivery.sent':
      return `✅ ${d.target}: delivered${d.link ? ` — ${d.link}` : ''}${d.notes?.length ? ` (${d.notes.join('; ')})` : ''}`;
    case 'delivery.retried':
      return `asked to retry ${(d.targets as string[]).join(', ')}`;
    case 'delivery.failed':
      return `❌ ${d.target}: FAILED, not retried — ${d.reason}`;
    case 'message.sent':
      return d.target !== undefined
        ? `posted part ${d.part + 1} to ${d.target}${where}${d.url ? ` — ${d.url}` : ''}`
        : `${d.kind ?? 'message'} sent${where}${d.private ? ' (private)' : ''}: “${clip(d.text, 80)}”`;
    case 'message.edited':
      return `edited part ${d.part + 1} on ${d.target}${where}`;
    case 'message.deleted':
      return `deleted part ${d.part + 1} on ${d.target}${where}`;
    case 'message.pinned':
    case 'message.unpinned':
      return `${row.type === 'message.pinned' ? 'pinned' : 'unpinned'} #${d.statement} on ${d.target}${where}`;
    case 'drill.timings':
      return drillLine(d);
    default:
      return `${row.type} ${clip(row.data, 100)}`;
  }
}

/** 0.4 s, 35 s, 2 min 14 s, 1 h 3 min: a drill's review compares these. */
export function duration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

const ICON: Record<string, string> = { sent: '✅', failed: '❌' };

function drillLine(d: Record<string, any>): string {
  const approvals = (d.approvals as Array<{ approver: string; waitMs: number }>).map((a) => `${a.approver} after ${duration(a.waitMs)}`);
  const targets = (d.deliveries as Array<{ target: string; status: string; ms: number; attempts: number }>).map(
    (t) => `${ICON[t.status] ?? t.status} ${t.target} ${duration(t.ms)}${t.attempts > 1 ? ` (${t.attempts} attempts)` : ''}`,
  );
  const what = d.kind === 'publish' ? 'first draft → broadcast' : `${d.kind === 'correct' ? 'correction' : 'retraction'} proposed → broadcast`;
  return [
    `${d.label} timings: ${what} ${duration(d.kind === 'publish' ? d.firstDraftToBroadcastMs : d.revisionToBroadcastMs)}`,
    `approval waits: ${approvals.join(', ') || 'none'}`,
    `delivery after broadcast: ${targets.join(', ')}`,
    `first draft → last delivery ${duration(d.totalMs)}`,
  ].join('; ');
}

/** Unlinked accounts are logged by platform id; the name they showed is kept beside it. */
function who(row: AuditRow): string {
  const actor = row.actor ?? '';
  if (!actor.includes(':')) return actor;
  const user = (JSON.parse(row.data) as { user?: string }).user;
  return user ? `${user} (${actor})` : actor;
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A readable incident timeline: per draft, who did what, what went out where, and when. */
export function toMarkdown(db: Db, rows: AuditRow[], filter: ExportFilter): string {
  const chain = verifyAudit(db);
  const out: string[] = ['# herald audit log', ''];
  const scope = [filter.draftId !== undefined && `draft #${filter.draftId}`, filter.since && `since ${filter.since}`, filter.until && `until ${filter.until}`].filter(Boolean);
  out.push(`Exported ${utcSecond()} UTC${scope.length ? ` · ${scope.join(' · ')}` : ''} · ${rows.length} events`);
  out.push(chain.ok ? `Hash chain verified: ${chain.rows} rows, last hash \`${chain.lastHash.slice(0, 16)}…\`` : `**Hash chain BROKEN at row ${chain.seq}: ${chain.problem}**`);
  const groups = new Map<string, AuditRow[]>();
  for (const r of rows) {
    const key = r.draftId != null ? `Draft #${r.draftId}` : 'Other events';
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [title, events] of [...groups].sort(([a], [b]) => (a === 'Other events' ? 1 : b === 'Other events' ? -1 : 0))) {
    const created = events.find((e) => e.type === 'draft.created');
    const template = created ? ` — ${(JSON.parse(created.data) as { template: string }).template}` : '';
    out.push('', `## ${title}${template}`, '', '| time (UTC) | # | who | what |', '| --- | --- | --- | --- |');
    for (const e of events) {
      out.push(`| ${utcSecond(e.ts)} | ${e.seq} | ${mdCell(who(e))} | ${mdCell(describeEvent(e))} |`);
    }
  }
  for (const review of reviewsOf(db, rows)) out.push('', reviewMarkdown(review, 2).trimEnd());
  return `${out.join('\n')}\n`;
}

/**
 * The incidents the exported events belong to: through their drafts, or named by the event
 * (an incident opened before any statement). Their figures come from the product's rows, the
 * same review `herald incident report` prints; the events above remain the evidence.
 */
function reviewsOf(db: Db, rows: AuditRow[]): IncidentReview[] {
  const ids = new Set<number>();
  const drafts = [...new Set(rows.map((r) => r.draftId).filter((d): d is number => d != null))];
  const byDraft = db.$client.prepare('SELECT incident_id AS id FROM drafts WHERE id = ? AND incident_id IS NOT NULL');
  for (const d of drafts) {
    const found = byDraft.get(d) as { id: number } | undefined;
    if (found) ids.add(found.id);
  }
  for (const r of rows) {
    if (!/^(incident|promise)\./u.test(r.type)) continue;
    const named = (JSON.parse(r.data) as { incident?: unknown }).incident;
    if (typeof named === 'number') ids.add(named);
  }
  return [...ids].sort((a, b) => a - b).map((id) => incidentReview(db, id));
}

/**
 * The events as an array, the shape readers of the export already parse; the review of an
 * incident as figures is `herald incident report <id> --format json`.
 */
export function toJson(rows: AuditRow[]): string {
  return `${JSON.stringify(rows.map((r) => ({ ...r, data: JSON.parse(r.data) })), null, 2)}\n`;
}

const csvCell = (v: unknown) => {
  const s = v == null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function toCsv(rows: AuditRow[]): string {
  const cols = ['seq', 'ts', 'type', 'actor', 'platform', 'chatId', 'draftId', 'summary', 'data', 'hash'] as const;
  const lines = [cols.join(',')];
  for (const r of rows) lines.push(cols.map((c) => csvCell(c === 'summary' ? describeEvent(r) : r[c])).join(','));
  return `${lines.join('\n')}\n`;
}
