import { desc, max } from 'drizzle-orm';
import { GENESIS_HASH } from './append';
import { auditEvents } from '../store/schema';
import { flushDeferred, type Db } from '../store/db';

/** The sequence number of the newest audit row (0 for an empty log); it throws when the file holds no audit log. */
export function auditHead(db: Db): number {
  flushDeferred(db);
  return db.select({ seq: max(auditEvents.seq) }).from(auditEvents).get()?.seq ?? 0;
}

/** The newest row's sequence number and hash, what a checkpoint signs (row 0 and the genesis hash for an empty log). */
export function auditHeadRow(db: Db): { seq: number; hash: string } {
  // Read inside a write transaction, the head includes the rows it has put off (appendAudit).
  flushDeferred(db);
  const last = db.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1).get();
  return last ?? { seq: 0, hash: GENESIS_HASH };
}
