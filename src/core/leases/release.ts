import { and, eq } from 'drizzle-orm';
import { appendAudit } from '../../audit/append';
import { writeTx, type Db } from '../../store/db';
import { leases } from '../../store/schema';
import { isoAt, type Lease } from './lease';

/**
 * Gives a lease up on a clean stop, so the other instance takes it at its next try instead of
 * after the TTL. Only the holder of that epoch can: a release by an old holder changes nothing.
 * Returns whether it was released.
 */
export function releaseLease(db: Db, lease: Pick<Lease, 'name' | 'holder' | 'epoch'>, now: number): boolean {
  return writeTx(db, (tx) => {
    const done = tx
      .update(leases)
      .set({ expiresAt: isoAt(now) })
      .where(and(eq(leases.name, lease.name), eq(leases.holder, lease.holder), eq(leases.epoch, lease.epoch)))
      .returning({ name: leases.name })
      .all();
    if (!done.length) return false;
    appendAudit(tx, { type: 'lease.released', actor: 'herald', data: { lease: lease.name, holder: lease.holder, epoch: lease.epoch } });
    return true;
  });
}
