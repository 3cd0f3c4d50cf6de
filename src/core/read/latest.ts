import { and, desc, eq, inArray } from 'drizzle-orm';
import { utcMinute } from '../../util/time';
import { broadcasts, deliveries, drafts } from '../../store/schema';
import type { DbOrTx } from '../../store/db';
import type { ChatPlatform } from '../../config/types';
import type { Core } from '../core';
import { getRevision, valuesOf } from '../drafts/load';
import type { LatestInfo } from '../statement/render';

/** The latest published statement as FAQ entries see it, with the link on the asker's platform. */
export function latestInfo(core: Core, db: DbOrTx, platform: ChatPlatform): LatestInfo | null {
  const b = db
    .select()
    .from(broadcasts)
    .where(inArray(broadcasts.kind, ['publish', 'correct']))
    .orderBy(desc(broadcasts.id))
    .limit(1)
    .get();
  if (!b) return null;
  const draft = db.select().from(drafts).where(eq(drafts.id, b.draftId)).get();
  if (!draft || draft.status === 'retracted') return null;
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
