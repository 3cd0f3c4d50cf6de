import { eq } from 'drizzle-orm';
import type { Tx } from '../../store/db';
import { leases } from '../../store/schema';
import { LeaseLostError, type Lease } from './lease';

/**
 * The fencing check: called inside the transaction of a write only the holder may make. Throws
 * LeaseLostError, rolling that transaction back, unless the lease still has this holder and
 * epoch. An expired lease nobody took still passes: no other instance can be doing the work.
 */
export function assertHolds(tx: Tx, lease: Pick<Lease, 'name' | 'holder' | 'epoch'>): void {
  const row = tx.select({ holder: leases.holder, epoch: leases.epoch }).from(leases).where(eq(leases.name, lease.name)).get();
  if (!row || row.holder !== lease.holder || row.epoch !== lease.epoch) throw new LeaseLostError(lease, row);
}

/** A fenced write's check, as the writer is handed it (a singleton's `fence`). */
export type Fence = (tx: Tx) => void;
