import { asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Config } from '../config/types';
import type { Db } from '../store/db';
import { broadcasts, drafts, incidents, promises, revisions, statementSignatures } from '../store/schema';
import { renderedOf } from '../core/drafts/load';
import { compromisedTargets } from '../core/read/compromised';
import { byText } from '../util/order';

/** One public update: a statement going out, its correction, or its retraction. */
export interface SiteUpdate {
  /** Stable across rebuilds: the broadcast's id. */
  id: number;
  draftId: number;
  templateId: string;
  severity: string;
  kind: 'statement' | 'correction' | 'retraction';
  at: string;
  /** The statement as plain text (a retraction: its public notice, or why it was removed). */
  text: string;
  reason: string | null;
  /** Whether this is what the statement says now (a later correction or a retraction replaces it). */
  current: boolean;
  signatures: Array<{ platform: string; target: string; form: string; keyId: string; signature: string; postedAt: string }>;
}

export interface SiteIncident {
  id: number;
  title: string;
  severity: string | null;
  open: boolean;
  openedAt: string;
  closedAt: string | null;
  closedReason: string | null;
  /** Oldest first. */
  updates: SiteUpdate[];
  /** The promised next update of an open incident, and whether it has passed. */
  nextUpdate: { dueAt: string; overdue: boolean } | null;
}

export interface SiteModel {
  org: { name: string; url: string };
  generatedAt: string;
  /** Open incidents first, then the history; newest first within each. */
  incidents: SiteIncident[];
  /** Statements outside any incident (minor notices), newest first. */
  notices: SiteUpdate[];
  /** Our channels marked compromised now: every page and feed says not to trust them. */
  compromised: SiteWarning[];
}

/** A channel not to trust: as the statement names it, what happened, since when (ISO). */
export interface SiteWarning {
  channel: string;
  what: string;
  since: string;
}

const KIND = { publish: 'statement', correct: 'correction', retract: 'retraction' } as const;

/** The status site's content, read from rows (never from the audit log). Drafts never published are not in it. */
export function siteModel(db: Db, config: Pick<Config, 'org'>, now: Date): SiteModel {
  const rows = db
    .select({ b: broadcasts, d: drafts, r: revisions })
    .from(broadcasts)
    .innerJoin(drafts, eq(drafts.id, broadcasts.draftId))
    .innerJoin(revisions, eq(revisions.id, broadcasts.revisionId))
    .orderBy(asc(broadcasts.id))
    .all();
  const sigs = rows.length
    ? db.select().from(statementSignatures).where(inArray(statementSignatures.draftId, [...new Set(rows.map((x) => x.d.id))])).orderBy(asc(statementSignatures.id)).all()
    : [];
  const lastOfDraft = new Map<number, number>();
  for (const { b } of rows) lastOfDraft.set(b.draftId, b.id);
  const updates = rows.map(({ b, d, r }): SiteUpdate & { incidentId: number | null } => {
    const kind = KIND[b.kind as keyof typeof KIND] ?? 'statement';
    const rendered = renderedOf(r);
    const text = kind === 'retraction' ? (rendered.notice?.plain ?? `This statement was removed${r.reason ? `: ${r.reason}` : '.'}`) : rendered.plain;
    // A signature belongs to the update whose text it signs: signed after this broadcast and before the next one of the draft.
    const next = rows.find((x) => x.b.draftId === d.id && x.b.id > b.id)?.b.createdAt;
    const mine = sigs.filter((s) => s.draftId === d.id && s.postedAt >= b.createdAt && (!next || s.postedAt < next));
    return {
      id: b.id,
      incidentId: d.incidentId,
      draftId: d.id,
      templateId: d.templateId,
      severity: d.severity,
      kind,
      at: b.createdAt,
      text,
      reason: r.reason,
      current: lastOfDraft.get(d.id) === b.id,
      signatures: mine.map((s) => ({ platform: s.platform, target: s.targetId, form: s.form, keyId: s.keyId, signature: s.signature, postedAt: s.postedAt })),
    };
  });
  const open = db.select().from(promises).where(isNull(promises.outcome)).all();
  const list = db
    .select()
    .from(incidents)
    .orderBy(desc(incidents.id))
    .all()
    .map((i): SiteIncident => {
      const due = open.filter((p) => p.incidentId === i.id).sort((a, b) => byText(a.dueAt, b.dueAt))[0];
      return {
        id: i.id,
        title: i.title,
        severity: i.severity,
        open: i.status === 'open',
        openedAt: i.openedAt,
        closedAt: i.closedAt,
        closedReason: i.closedReason,
        updates: updates.filter((u) => u.incidentId === i.id).map(({ incidentId: _i, ...u }) => u),
        nextUpdate: i.status === 'open' && due ? { dueAt: due.dueAt, overdue: Date.parse(due.dueAt) < now.getTime() } : null,
      };
    })
    .filter((i) => i.updates.length > 0)
    .sort((a, b) => Number(b.open) - Number(a.open) || b.id - a.id);
  return {
    org: { name: config.org.name, url: config.org.status_page ?? config.org.website },
    generatedAt: now.toISOString(),
    incidents: list,
    notices: updates.filter((u) => u.incidentId === null).map(({ incidentId: _i, ...u }) => u).reverse(),
    compromised: compromisedTargets(db).map(({ channel, what, since }) => ({ channel, what, since })),
  };
}
