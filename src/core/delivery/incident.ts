import { and, asc, desc, eq, gt, lt, ne, sql, type SQL } from 'drizzle-orm';
import { broadcasts, deliveries, deliveryParts, drafts } from '../../store/schema';
import type { DbOrTx, Tx } from '../../store/db';
import { hot, prepared } from '../../store/prepared';
import type { Severity, Target } from '../../config/types';
import { redact } from '../../util/redact';
import type { Core } from '../core';
import type { Publisher } from './publisher';
import { asMessage, markPinned, type DeliveryRow, type PartRow } from './record';

/**
 * Where an incident's statements land, so that they read as one story: on X each follow-up
 * answers the incident's latest post (one reply chain); on Discord and Telegram the incident
 * keeps one pin per channel, on its latest live statement. The worker runs an incident's
 * deliveries to one target in order (its lanes), so what is read here is settled when a delivery starts.
 */

export interface StepContext {
  core: Core;
  publisher: Publisher;
  target: Target;
  d: DeliveryRow;
  guard: <T>(what: string, call: () => Promise<T>) => Promise<T>;
  commit: <T>(write: (tx: Tx) => T) => T;
}

/** The incident's messages on this delivery's target, other statements' only; run with `about(d, incidentId)`. */
function otherStatementsParts(db: DbOrTx, ...where: SQL[]) {
  return db
    .select({ part: deliveryParts, draftId: deliveries.draftId, severity: drafts.severity })
    .from(deliveryParts)
    .innerJoin(deliveries, eq(deliveries.id, deliveryParts.deliveryId))
    .innerJoin(broadcasts, eq(broadcasts.id, deliveries.broadcastId))
    .innerJoin(drafts, eq(drafts.id, deliveries.draftId))
    .where(and(eq(drafts.incidentId, sql.placeholder('incidentId')), eq(deliveries.targetId, sql.placeholder('targetId')), ne(deliveries.draftId, sql.placeholder('draftId')), ...where));
}
const about = (d: DeliveryRow, incidentId: number) => ({ incidentId, targetId: d.targetId, draftId: d.draftId, deliveryId: d.id });

// Both read before a delivery's first request: prepared once (../../store/prepared.ts).
const anchorQuery = hot((db: DbOrTx) =>
  otherStatementsParts(db, lt(deliveries.id, sql.placeholder('deliveryId')), eq(deliveryParts.status, 'sent'))
    .orderBy(desc(deliveries.id), desc(deliveryParts.idx))
    .limit(1)
    .prepare());
const laterQuery = hot((db: DbOrTx) =>
  otherStatementsParts(db, gt(deliveries.id, sql.placeholder('deliveryId')), eq(broadcasts.kind, 'publish'), eq(deliveryParts.status, 'sent')).limit(1).prepare());

/**
 * What the first post of a follow-up answers on X: the newest post still up of the incident's
 * earlier statements there (a correction's reply or a retraction's notice included). A retracted
 * post is skipped for the one before it; with none left, the follow-up starts a thread of its own.
 */
export function threadAnchor(db: DbOrTx, d: DeliveryRow, incidentId: number): PartRow | undefined {
  return prepared(db, anchorQuery).get(about(d, incidentId))?.part;
}

/**
 * Whether a later statement of the incident is already up on this target: a statement sent again
 * by /retry after its successor went out is not pinned over it.
 */
export const supersededHere = (db: DbOrTx, d: DeliveryRow, incidentId: number): boolean =>
  prepared(db, laterQuery).get(about(d, incidentId)) !== undefined;

// Read before every pinning delivery's pin, at each channel of a wide broadcast: built by drizzle
// each time, it was 0.7 ms of the loop a channel, while other channels' answers waited.
const pinnedQuery = hot((db: DbOrTx) => otherStatementsParts(db, eq(deliveryParts.pinned, true)).prepare());
const pinnedElsewhere = (db: DbOrTx, d: DeliveryRow, incidentId: number) => prepared(db, pinnedQuery).all(about(d, incidentId));

const failure = (err: unknown) => redact(String((err as Error)?.message ?? err));

/**
 * The new statement holds the incident's pin now: every other one herald pinned on this target
 * is unpinned, whichever statement it belongs to, so one failed unpin is mended by the next
 * statement. A failed unpin is a note on the delivery; the post stands.
 */
export async function unpinSuperseded(s: StepContext, incidentId: number): Promise<string[]> {
  if (!s.publisher.unpin) return [];
  const notes: string[] = [];
  for (const { part, draftId } of pinnedElsewhere(s.core.db, s.d, incidentId)) {
    try {
      await s.guard('unpin', () => s.publisher.unpin!({ target: s.target, message: asMessage(part) }));
      s.commit((tx) => markPinned(tx, s.d, part, false, draftId));
    } catch (err) {
      notes.push(`#${draftId} is still pinned, unpin it by hand: ${failure(err)}`);
    }
  }
  return notes;
}

/**
 * After a retraction has taken the incident's pin down with its message, the pin goes back to
 * the incident's latest statement still up here, where that statement's policy pins: what the
 * channel shows first is again what the team still stands by.
 */
export async function repinLatest(s: StepContext, incidentId: number): Promise<string[]> {
  if (!s.publisher.pin || pinnedElsewhere(s.core.db, s.d, incidentId).length) return [];
  const latest = otherStatementsParts(s.core.db, eq(broadcasts.kind, 'publish'), eq(deliveryParts.status, 'sent'))
    .orderBy(desc(deliveries.id), asc(deliveryParts.idx))
    .limit(1)
    .get(about(s.d, incidentId));
  if (!latest || !s.core.config.policies[latest.severity as Severity]?.pin) return [];
  try {
    await s.guard('pin', () => s.publisher.pin!({ target: s.target, message: asMessage(latest.part) }));
    s.commit((tx) => markPinned(tx, s.d, latest.part, true, latest.draftId));
    return [];
  } catch (err) {
    return [`#${latest.draftId} was not pinned again: ${failure(err)}`];
  }
}
