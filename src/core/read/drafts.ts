import { desc } from 'drizzle-orm';
import { drafts } from '../../store/schema';
import type { Core } from '../core';
import { buildView, type DraftView } from '../previews/view';

/** The newest drafts as previews show them, newest first (the sandbox console's deliveries panel). */
export function recentDraftViews(core: Core, limit: number): DraftView[] {
  const rows = core.db.select({ id: drafts.id }).from(drafts).orderBy(desc(drafts.id)).limit(limit).all();
  return rows.map(({ id }) => buildView(core, core.db, id));
}
