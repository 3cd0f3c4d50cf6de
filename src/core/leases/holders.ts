import { asc } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { leases } from '../../store/schema';
import type { LeaseRow } from './lease';

/** Every lease row, by name: who holds what, as /readyz reports it. A read model, not a verb. */
export const leaseRows = (db: DbOrTx): LeaseRow[] => db.select().from(leases).orderBy(asc(leases.name)).all();
