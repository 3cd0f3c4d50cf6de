import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../src/store/db';
import { shortHash } from '../../src/core/drafts/shown';
import { deliveries, deliveryParts, revisions } from '../../src/store/schema';

/** What herald recorded about its deliveries, read from its database. */

/** The deliveries of a draft's broadcasts, oldest first. */
export const deliveriesOf = (db: Db, draftId: number) => db.select().from(deliveries).where(eq(deliveries.draftId, draftId)).orderBy(asc(deliveries.id)).all();

/** The deliveries to a target (of one draft, if given), oldest first. */
export const deliveriesTo = (db: Db, targetId: string, draftId?: number) =>
  db
    .select()
    .from(deliveries)
    .where(draftId === undefined ? eq(deliveries.targetId, targetId) : and(eq(deliveries.targetId, targetId), eq(deliveries.draftId, draftId)))
    .orderBy(asc(deliveries.id))
    .all();

/** The newest delivery to a target (of one draft, if given). */
export const deliveryTo = (db: Db, targetId: string, draftId?: number) => deliveriesTo(db, targetId, draftId).at(-1);

/** The parts (messages, posts) of a delivery, in order. */
export const partsOf = (db: Db, deliveryId: number) => db.select().from(deliveryParts).where(eq(deliveryParts.deliveryId, deliveryId)).orderBy(asc(deliveryParts.idx)).all();

/** The short hash a preview prints for a draft's revision (as in "Revision 2 (1a2b3c4d) by alice"). */
export function revisionHash(db: Db, draftId: number, number: number): string {
  const revision = db.select().from(revisions).where(and(eq(revisions.draftId, draftId), eq(revisions.number, number))).get();
  if (!revision) throw new Error(`draft #${draftId} has no revision ${number}`);
  return shortHash(revision.contentHash);
}
