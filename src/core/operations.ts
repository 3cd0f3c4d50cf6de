import { and, asc, count, eq, isNull, lt, sql } from 'drizzle-orm';
import { deliveries, incidents, promises } from '../store/schema';
import type { Db } from '../store/db';

/**
 * The read model an operator's monitoring asks: how many deliveries wait or failed, how long the
 * oldest has waited, how far the audit log has grown, and whether the database still takes writes.
 * It reads columns kept for exactly this; it decides nothing.
 */
export interface DeliveryCounts {
  /** By platform and status (pending | sent | failed). */
  byPlatform: Array<{ platform: string; status: string; count: number }>;
  pending: number;
  failed: number;
  /** When the oldest pending delivery was created (ISO), or null when none waits. */
  oldestPendingAt: string | null;
}

export function deliveryCounts(db: Db): DeliveryCounts {
  const byPlatform = db
    .select({ platform: deliveries.platform, status: deliveries.status, count: count() })
    .from(deliveries)
    .groupBy(deliveries.platform, deliveries.status)
    .orderBy(asc(deliveries.platform), asc(deliveries.status))
    .all();
  const total = (status: string) => byPlatform.filter((r) => r.status === status).reduce((n, r) => n + r.count, 0);
  const oldest = db.select({ at: sql<string | null>`min(${deliveries.createdAt})` }).from(deliveries).where(eq(deliveries.status, 'pending')).get();
  return { byPlatform, pending: total('pending'), failed: total('failed'), oldestPendingAt: oldest?.at ?? null };
}

/** Open incidents, and promises of theirs whose time has passed with no statement yet (`now` is the core's clock). */
export function incidentCounts(db: Db, now: number): { open: number; overduePromises: number } {
  const open = db.select({ n: count() }).from(incidents).where(eq(incidents.status, 'open')).get()?.n ?? 0;
  const overdue = db
    .select({ n: count() })
    .from(promises)
    .innerJoin(incidents, eq(incidents.id, promises.incidentId))
    .where(and(isNull(promises.outcome), eq(incidents.status, 'open'), lt(promises.dueAt, new Date(now).toISOString())))
    .get();
  return { open, overduePromises: overdue?.n ?? 0 };
}

/**
 * Whether a write would go through now: takes the write lock and lets it go, writing nothing.
 * The wait for a lock another process holds is kept short, since the whole process waits with it.
 */
export function databaseWritable(db: Db): { writable: true } | { writable: false; reason: string } {
  const sqlite = db.$client;
  if (!sqlite.open) return { writable: false, reason: 'the database is closed' };
  if (sqlite.readonly) return { writable: false, reason: 'the database was opened read-only' };
  const busy = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma('busy_timeout = 250');
  try {
    sqlite.exec('BEGIN IMMEDIATE; ROLLBACK;');
    return { writable: true };
  } catch (err) {
    return { writable: false, reason: (err as Error).message };
  } finally {
    sqlite.pragma(`busy_timeout = ${busy}`);
  }
}
