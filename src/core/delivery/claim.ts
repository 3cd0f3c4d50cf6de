import { and, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx, Engine, Tx } from '../../store/db';
import { hot, prepared, slot } from '../../store/prepared';
import { deliveries } from '../../store/schema';
import { isoAt } from '../leases/lease';
import { HeraldError } from '../errors';
import { goneLocally } from '../leases/instance';

/**
 * Delivery claims: an instance sends a delivery only while it holds the claim (claimed_by, until
 * claim_expires_at), so two herald instances on one database never send one delivery both. A
 * claim is taken in one conditional UPDATE, atomic on either engine; an instance can always take
 * or renew its own (a lone instance behaves as before), another's only once it expired.
 */

/**
 * Takes the claim if nobody holds it, this instance does, the holder's claim ran out, or (with
 * `gone`) its holder is that instance, gone (see goneLocally). Built once per database: it runs
 * for every delivery of a broadcast, the leads' in the approval's own transaction.
 */
const claimUpdate = (withGone: boolean) => (db: DbOrTx) =>
  db
    .update(deliveries)
    .set({ claimedBy: slot('holder'), claimExpiresAt: slot('until') })
    .where(
      and(
        eq(deliveries.id, sql.placeholder('id')),
        eq(deliveries.status, 'pending'),
        or(isNull(deliveries.claimedBy), eq(deliveries.claimedBy, sql.placeholder('holder')), lte(deliveries.claimExpiresAt, sql.placeholder('at')), ...(withGone ? [eq(deliveries.claimedBy, sql.placeholder('gone'))] : [])),
      ),
    )
    .returning({ id: deliveries.id })
    .prepare();
const claimFree = hot(claimUpdate(false));
const claimFromGone = hot(claimUpdate(true));

/**
 * Claims one pending delivery for `holder` until `now + ttlMs`; false when another live instance
 * has it, or it is no longer pending. The UPDATE's WHERE alone makes it one winner on either engine.
 */
export function claimDelivery(tx: Tx, id: number, holder: string, now: number, ttlMs: number, engine: Engine = 'sqlite'): boolean {
  // On PostgreSQL the row is locked first, and one that another transaction holds is passed over
  // rather than waited for (SQLite has one writer at a time, so nothing is ever locked there).
  if (engine === 'postgres' && !tx.all(sql`SELECT id FROM deliveries WHERE id = ${id} AND status = 'pending' FOR UPDATE SKIP LOCKED`).length) return false;
  const current = prepared(tx, claimHolder).get({ id })?.by;
  const gone = current && current !== holder && goneLocally(current) ? current : undefined;
  const params = { id, holder, at: isoAt(now), until: isoAt(now + ttlMs) };
  const won = gone ? prepared(tx, claimFromGone).all({ ...params, gone }) : prepared(tx, claimFree).all(params);
  return won.length === 1;
}

/** Extends `holder`'s claims on the deliveries it is sending; returns the ids it still holds. */
export function renewClaims(tx: Tx, ids: number[], holder: string, now: number, ttlMs: number): number[] {
  if (!ids.length) return [];
  return tx
    .update(deliveries)
    .set({ claimExpiresAt: isoAt(now + ttlMs) })
    .where(and(inArray(deliveries.id, ids), eq(deliveries.claimedBy, holder)))
    .returning({ id: deliveries.id })
    .all()
    .map((r) => r.id);
}

const claimHolder = hot((db: DbOrTx) => db.select({ by: deliveries.claimedBy }).from(deliveries).where(eq(deliveries.id, sql.placeholder('id'))).prepare());

/** Whether `holder` still holds the claim: checked in every step's transaction before it writes. */
export const holdsClaim = (db: DbOrTx, id: number, holder: string): boolean => prepared(db, claimHolder).get({ id })?.by === holder;

/** Whether another instance's live claim keeps the worker away from a delivery now. */
export const claimedElsewhere = (d: { claimedBy: string | null; claimExpiresAt: string | null }, holder: string, now: number): boolean =>
  d.claimedBy !== null && d.claimedBy !== holder && d.claimExpiresAt !== null && d.claimExpiresAt > isoAt(now) && !goneLocally(d.claimedBy);

/** Gives `holder`'s claim up: a delivery it will not send now (its platform is not connected here, or herald stops). */
export function releaseClaims(tx: Tx, holder: string, ids?: number[]): void {
  tx.update(deliveries)
    .set({ claimedBy: null, claimExpiresAt: null })
    .where(and(eq(deliveries.claimedBy, holder), eq(deliveries.status, 'pending'), ...(ids ? [inArray(deliveries.id, ids)] : [])))
    .run();
}

/** Another instance took the delivery over (this one's claim expired while it was paused): this one stops, writing nothing. */
export class ClaimLostError extends HeraldError {
  constructor(id: number, holder: string) {
    super('conflict', `delivery ${id} is no longer claimed by ${holder}; another instance sends it`, { retryable: false });
    this.name = 'ClaimLostError';
  }
}
