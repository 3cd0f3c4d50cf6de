import { desc, inArray } from 'drizzle-orm';
import { drafts } from '../../store/schema';
import type { DbOrTx } from '../../store/db';
import { PENDING } from '../drafts/states';
import { invalidInput } from '../errors';

/** Drafts waiting for approvers (a statement, correction or retraction), newest first. */
export function openDrafts(db: DbOrTx, limit = 20): Array<typeof drafts.$inferSelect> {
  return db.select().from(drafts).where(inArray(drafts.status, [...PENDING])).orderBy(desc(drafts.id)).limit(limit).all();
}

const listed = (ids: number[]) => {
  const tags = ids.map((id) => `#${id}`);
  return tags.length === 1 ? tags[0]! : `${tags.slice(0, -1).join(', ')} and ${tags.at(-1)}`;
};

/**
 * The draft a command without an id means: the only open one. With none, or several, the person
 * is told which are open and what to type, since guessing between two statements in a crisis
 * could approve the wrong one.
 */
export function onlyOpenDraft(db: DbOrTx, command: 'approve' | 'show'): number {
  const ids = openDrafts(db, 10).map((d) => d.id);
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0) {
    throw invalidInput(
      command === 'approve'
        ? 'No draft is waiting for approval, so there is nothing to approve; /status lists recent broadcasts.'
        : 'No draft is open, so there is nothing to show; /status lists recent broadcasts, and /show #12 shows any draft.',
    );
  }
  const more = ids.length === 10 ? ' (and maybe more; /status lists them)' : '';
  throw invalidInput(`${listed([...ids].reverse())} are open${more}; say which one, like /${command} #${ids[0]}.`);
}

/** The line above the answer, so nobody wonders which draft an id-less command took. */
export const usingOnlyOpen = (id: number) => `Using #${id}, the only open draft.`;
