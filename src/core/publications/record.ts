import { eq, sql } from 'drizzle-orm';
import { sitePublications } from '../../store/schema';
import type { DbOrTx, Tx } from '../../store/db';

export type PublicationRow = typeof sitePublications.$inferSelect;

/*
 * The status site's outbox, one row per destination. No audit event is written here: the audit
 * head is itself published on the site, so an event per publication would move the head after
 * every push, and the next checkpoint would ask for another push, forever. The row is the fact.
 */

export const publicationOf = (db: DbOrTx, destination: string): PublicationRow | undefined =>
  db.select().from(sitePublications).where(eq(sitePublications.destination, destination)).get();

/**
 * A new build is in the site's folder: every destination waits for it. A failed one is tried
 * again (the next change to the site is the retry), its attempts counted from zero; its last
 * error stays shown until the next attempt says otherwise.
 */
export function wantBuild(tx: Tx, destinations: string[], at: string): void {
  for (const destination of destinations) {
    tx.insert(sitePublications)
      .values({ destination, status: 'pending', version: 1, updatedAt: at })
      .onConflictDoUpdate({
        target: sitePublications.destination,
        set: { status: 'pending', version: sql`${sitePublications.version} + 1`, attempts: 0, notBefore: null, updatedAt: at },
      })
      .run();
  }
}

/** The build of `version` went out; a newer one that arrived meanwhile keeps the row pending. */
export function markPublished(tx: Tx, destination: string, version: number, link: string | null, at: string): void {
  tx.update(sitePublications)
    .set({
      status: sql`CASE WHEN ${sitePublications.version} = ${version} THEN 'published' ELSE 'pending' END`,
      publishedVersion: version,
      link,
      publishedAt: at,
      attempts: 0,
      lastError: null,
      notBefore: null,
      updatedAt: at,
    })
    .where(eq(sitePublications.destination, destination))
    .run();
}

/** An attempt failed and is tried again after `notBefore`. */
export function recordPublishRetry(tx: Tx, destination: string, attempts: number, reason: string, notBefore: string, at: string): void {
  tx.update(sitePublications).set({ attempts, lastError: reason, notBefore, updatedAt: at }).where(eq(sitePublications.destination, destination)).run();
}

/** Given up after the delivery settings' max_attempts: the next change to the site tries again. */
export function markPublishFailed(tx: Tx, destination: string, attempts: number, reason: string, at: string): void {
  tx.update(sitePublications).set({ status: 'failed', attempts, lastError: reason, notBefore: null, updatedAt: at }).where(eq(sitePublications.destination, destination)).run();
}
