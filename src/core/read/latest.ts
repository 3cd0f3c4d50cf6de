import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import { utcMinute } from '../../util/time';
import { broadcasts, deliveries, drafts } from '../../store/schema';
import type { DbOrTx } from '../../store/db';
import { SEVERITIES } from '../../config/schema';
import type { ChatPlatform, Severity } from '../../config/types';
import type { Core } from '../core';
import { getRevision, valuesOf } from '../drafts/load';
import { DRAFT_STATUS } from '../drafts/states';
import type { LatestInfo } from '../statement/render';
import type { Template } from '../templates/library';

type BroadcastRow = typeof broadcasts.$inferSelect;
type DraftRow = typeof drafts.$inferSelect;

/**
 * The statement an FAQ answer speaks for: among live statements (published, never retracted)
 * of the given severities, the most severe severity's latest publication or correction.
 * Scoping this to open incidents is one more condition here.
 */
export function liveStatementForFaq(db: DbOrTx, opts: { severities: readonly Severity[] }): { broadcast: BroadcastRow; draft: DraftRow } | null {
  const rows = db
    .select({ broadcast: broadcasts, draft: drafts })
    .from(broadcasts)
    .innerJoin(drafts, eq(drafts.id, broadcasts.draftId))
    .where(and(inArray(broadcasts.kind, ['publish', 'correct']), ne(drafts.status, DRAFT_STATUS.retracted), inArray(drafts.severity, [...opts.severities])))
    .orderBy(desc(broadcasts.id))
    .all();
  const rank = (s: string) => SEVERITIES.indexOf(s as Severity);
  // Newest first, so the first of the most severe severity is its latest.
  return rows.reduce<(typeof rows)[number] | null>((best, r) => (best === null || rank(r.draft.severity) < rank(best.draft.severity) ? r : best), null);
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
