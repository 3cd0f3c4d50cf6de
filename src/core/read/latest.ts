import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { utcMinute } from '../../util/time';
import { broadcasts, deliveries, drafts, incidents } from '../../store/schema';
import type { DbOrTx } from '../../store/db';
import { SEVERITIES } from '../../config/schema';
import type { ChatPlatform, Severity } from '../../config/types';
import type { Core } from '../core';
import { getRevision, valuesOf } from '../drafts/load';
import { DRAFT_STATUS } from '../drafts/states';
import { INCIDENT_STATUS, moreSevere } from '../incidents/load';
import type { LatestInfo } from '../statement/render';
import type { Template } from '../templates/library';

type BroadcastRow = typeof broadcasts.$inferSelect;
type DraftRow = typeof drafts.$inferSelect;
type IncidentRow = typeof incidents.$inferSelect;

interface Candidate {
  incident: IncidentRow;
  draft: DraftRow;
  /** The statement's first publication: its place in the incident's story. */
  publishedId: number;
  /** Its newest publication or correction: the text now live, and when it was last updated. */
  broadcast: BroadcastRow;
}

/**
 * The statement an FAQ answer speaks for: the most severe open incident's latest live statement
 * (published, never retracted) among the entry's severities. A statement of a closed incident, or
 * one outside any incident (sev3/sev4 notices), never answers: with no incident open the entry
 * gives its standard answer. "Latest" is the statement published last; a later correction of an
 * earlier statement changes that statement's text, not which one is latest.
 */
export function liveStatementForFaq(db: DbOrTx, opts: { severities: readonly Severity[] }): { broadcast: BroadcastRow; draft: DraftRow; incident: IncidentRow } | null {
  const rows = db
    .select({ broadcast: broadcasts, draft: drafts, incident: incidents })
    .from(broadcasts)
    .innerJoin(drafts, eq(drafts.id, broadcasts.draftId))
    .innerJoin(incidents, eq(incidents.id, drafts.incidentId))
    .where(
      and(
        inArray(broadcasts.kind, ['publish', 'correct']),
        ne(drafts.status, DRAFT_STATUS.retracted),
        inArray(drafts.severity, [...opts.severities]),
        eq(incidents.status, INCIDENT_STATUS.open),
      ),
    )
    .orderBy(asc(broadcasts.id))
    .all();
  const byDraft = new Map<number, Candidate>();
  for (const r of rows) {
    const seen = byDraft.get(r.draft.id);
    if (seen) seen.broadcast = r.broadcast;
    else byDraft.set(r.draft.id, { incident: r.incident, draft: r.draft, publishedId: r.broadcast.id, broadcast: r.broadcast });
  }
  const better = (a: Candidate, b: Candidate): boolean => {
    if (a.incident.id !== b.incident.id) {
      const [sa, sb] = [a.incident.severity ?? a.draft.severity, b.incident.severity ?? b.draft.severity];
      if (sa !== sb) return moreSevere(sa, sb);
      return a.incident.id > b.incident.id;
    }
    return a.publishedId > b.publishedId;
  };
  let best: Candidate | null = null;
  for (const c of byDraft.values()) if (best === null || better(c, best)) best = c;
  return best && { broadcast: best.broadcast, draft: best.draft, incident: best.incident };
}

/** The live statement as an FAQ entry sees it, with the link on the asker's platform. */
export function latestInfo(core: Core, db: DbOrTx, platform: ChatPlatform, entry?: Pick<Template, 'answersFrom'>): LatestInfo | null {
  const live = liveStatementForFaq(db, { severities: entry?.answersFrom ?? SEVERITIES });
  if (!live) return null;
  const { broadcast: b, draft } = live;
  const rev = getRevision(db, b.revisionId);
  const sent = db
    .select({ link: deliveries.link, platform: deliveries.platform })
    .from(deliveries)
    .where(and(eq(deliveries.draftId, draft.id), eq(deliveries.status, 'sent')))
    .all()
    .filter((d) => d.link);
  const link = sent.find((d) => d.platform === platform)?.link ?? sent[0]?.link ?? '';
  const template = core.library.templates.get(draft.templateId);
  return {
    title: template?.title ?? draft.templateId,
    link,
    status: /resolved|complete/.test(draft.templateId) ? 'resolved' : 'ongoing',
    updated_at: `${utcMinute(b.createdAt)} UTC`,
    next_update: valuesOf(rev).next_update ?? '',
  };
}
