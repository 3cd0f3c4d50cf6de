import { max } from 'drizzle-orm';
import { auditEvents } from '../store/schema';
import type { Db } from '../store/db';

/** The sequence number of the newest audit row (0 for an empty log); it throws when the file holds no audit log. */
export function auditHead(db: Db): number {
  return db.select({ seq: max(auditEvents.seq) }).from(auditEvents).get()?.seq ?? 0;
}
