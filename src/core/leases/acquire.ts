import { eq } from 'drizzle-orm';
import { appendAudit } from '../../audit/append';
import { writeTx, type Db } from '../../store/db';
import { leases } from '../../store/schema';
import { invalidInput } from '../errors';
import { goneLocally } from './instance';
import { isoAt, type LeaseRow } from './lease';

export interface Acquired {
  /** The lease row after this attempt: this instance's, or the live holder's. */
  lease: LeaseRow;
  mine: boolean;
}

/**
 * Acquires or renews the lease `name` for `holder` until `now + ttlMs`, in one transaction. A
 * holder always renews its own lease, expired or not: nobody took it, so its epoch still fences.
 * Another holder's lease is taken only once it has expired (or its process is gone from this
 * machine, see goneLocally), and then the epoch counts up, so the
 * old holder's fenced writes are refused from this commit on.
 */
export function acquireLease(db: Db, name: string, holder: string, ttlMs: number, now: number): Acquired {
  if (!name || !holder) throw invalidInput('a lease needs a name and a holder');
  if (!(ttlMs > 0)) throw invalidInput(`the lease TTL must be a positive number of milliseconds, not ${ttlMs}`);
  const at = isoAt(now);
  const expiresAt = isoAt(now + ttlMs);
  return writeTx(db, (tx) => {
    const row = tx.select().from(leases).where(eq(leases.name, name)).get();
    if (row && row.holder === holder) {
      const lease = tx.update(leases).set({ expiresAt, renewedAt: at }).where(eq(leases.name, name)).returning().get()!;
      return { lease, mine: true };
    }
    if (row && row.expiresAt > at && !goneLocally(row.holder)) return { lease: row, mine: false };
    const epoch = (row?.epoch ?? 0) + 1;
    const values = { holder, epoch, expiresAt, acquiredAt: at, renewedAt: at };
    const lease = row
      ? tx.update(leases).set(values).where(eq(leases.name, name)).returning().get()!
      : tx.insert(leases).values({ name, ...values }).returning().get();
    // A change of holder is evidence (who ran the singleton when); renewals are not.
    appendAudit(tx, { type: 'lease.acquired', actor: 'herald', data: { lease: name, holder, epoch, from: row?.holder ?? null } });
    return { lease, mine: true };
  });
}
