import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { broadcasts, deliveries, deliveryParts, drafts } from '../../store/schema';
import type { DbOrTx, Tx } from '../../store/db';
import { dbNow } from '../../store/now';
import { hot, prepared, slot } from '../../store/prepared';
import { appendAudit } from '../../audit/append';
import type { SentMessage } from './publisher';

/**
 * A delivery's progress, as durable rows with their audit events. Every writer runs inside the
 * caller's transaction: the worker decides what commits together (one commit per step of a
 * delivery, deliveries finishing together in one group commit).
 */

export type DeliveryRow = typeof deliveries.$inferSelect;
export type PartRow = typeof deliveryParts.$inferSelect;

const auditOf = (d: DeliveryRow) => ({ actor: 'herald', platform: d.platform, draftId: d.draftId });

const deliveryById = hot((db: DbOrTx) => db.select().from(deliveries).where(eq(deliveries.id, sql.placeholder('id'))).prepare());
export const loadDelivery = (db: DbOrTx, id: number) => prepared(db, deliveryById).get({ id });

const partsByDelivery = hot((db: DbOrTx) => db.select().from(deliveryParts).where(eq(deliveryParts.deliveryId, sql.placeholder('deliveryId'))).orderBy(asc(deliveryParts.idx)).prepare());
export const partsOf = (db: DbOrTx, deliveryId: number) => prepared(db, partsByDelivery).all({ deliveryId });

/** A part that went out, as the publisher names it again (to edit, delete, answer or unpin it). */
export const asMessage = (p: PartRow): SentMessage => ({ messageId: p.messageId!, ...(p.chatId ? { chatId: p.chatId } : {}), ...(p.url ? { url: p.url } : {}) });

/** The nonce is derived from the part, so a resend after a crash carries the very same one. */
export const nonceFor = (deliveryId: number, idx: number) => `herald-${deliveryId}-${idx}`;

/**
 * Part rows are created once, before the first send, so progress survives a crash. When the
 * first part is about to be sent (`firstSending`), it is created already marked `sending`: one
 * durable commit before a fresh delivery's request instead of two.
 */
const insertPart = hot((db: DbOrTx) =>
  db.insert(deliveryParts).values({ deliveryId: sql.placeholder('deliveryId'), idx: sql.placeholder('idx'), status: sql.placeholder('status'), nonce: sql.placeholder('nonce') }).prepare());

export function ensureParts(tx: Tx, deliveryId: number, count: number, firstSending = false): { parts: PartRow[]; created: boolean } {
  const existing = partsOf(tx, deliveryId);
  const created = existing.length === 0 && count > 0;
  for (let idx = existing.length; idx < count; idx++) {
    const status = created && firstSending && idx === 0 ? 'sending' : 'pending';
    prepared(tx, insertPart).run({ deliveryId, idx, status, nonce: nonceFor(deliveryId, idx) });
  }
  return { parts: partsOf(tx, deliveryId), created };
}

// Every part and every delivery goes through these between its request and the next one, or
// in the group commit its outcome shares with the other channels': built once per database.
const setSending = hot((db: DbOrTx) => db.update(deliveryParts).set({ status: 'sending' }).where(eq(deliveryParts.id, sql.placeholder('id'))).prepare());
const setPartSent = (status: 'sent' | 'edited') =>
  hot((db: DbOrTx) =>
    db
      .update(deliveryParts)
      .set({ status, messageId: slot('messageId'), chatId: slot('chatId'), url: slot('url'), text: slot('text'), sentAt: dbNow })
      .where(eq(deliveryParts.id, sql.placeholder('id')))
      .prepare());
const setPartPosted = setPartSent('sent');
const setPartEdited = setPartSent('edited');
const setPinned = (pinned: boolean) => hot((db: DbOrTx) => db.update(deliveryParts).set({ pinned }).where(eq(deliveryParts.id, sql.placeholder('id'))).prepare());
const setPinnedOn = setPinned(true);
const setPinnedOff = setPinned(false);

/** Marked before the request: after a crash, `sending` means the outcome is unknown. */
export function markSending(tx: Tx, partId: number): void {
  prepared(tx, setSending).run({ id: partId });
}

export function markPartSent(tx: Tx, d: DeliveryRow, part: PartRow, msg: SentMessage, text: string, action: 'posted' | 'edited'): void {
  // An edited part points at the original message; only `sent` parts are messages of their own.
  prepared(tx, action === 'edited' ? setPartEdited : setPartPosted).run({ id: part.id, messageId: msg.messageId, chatId: msg.chatId ?? null, url: msg.url ?? null, text });
  appendAudit(tx, {
    type: action === 'posted' ? 'message.sent' : 'message.edited',
    ...auditOf(d),
    chatId: msg.chatId ?? null,
    data: { delivery: d.id, target: d.targetId, part: part.idx, messageId: msg.messageId, url: msg.url, text },
  });
}

export function markPartDeleted(tx: Tx, d: DeliveryRow, part: PartRow): void {
  // A deleted message takes its pin with it, on Discord and Telegram alike.
  tx.update(deliveryParts).set({ status: 'deleted', pinned: false }).where(eq(deliveryParts.id, part.id)).run();
  appendAudit(tx, { type: 'message.deleted', ...auditOf(d), chatId: part.chatId, data: { delivery: d.id, target: d.targetId, part: part.idx, messageId: part.messageId } });
}

/**
 * A part of statement `statement` pinned or unpinned on its target. `d` is the delivery doing it:
 * for an unpin the superseding statement's, for a pin put back after a retraction the retraction's.
 */
export function markPinned(tx: Tx, d: DeliveryRow, part: PartRow, pinned: boolean, statement = d.draftId): void {
  prepared(tx, pinned ? setPinnedOn : setPinnedOff).run({ id: part.id });
  appendAudit(tx, {
    type: pinned ? 'message.pinned' : 'message.unpinned',
    ...auditOf(d),
    chatId: part.chatId,
    data: { delivery: d.id, target: d.targetId, statement, part: part.idx, messageId: part.messageId },
  });
}

/** A delivery that settled (sent, failed, held) is nobody's to send: its claim goes with it. */
const UNCLAIMED = { claimedBy: null, claimExpiresAt: null };

type AttemptOutcome = { ok: true } | { ok: false; code: string; reason: string; retryInMs?: number };

const setAttempt = hot((db: DbOrTx) =>
  db
    .update(deliveries)
    .set({ attempts: slot('attempt'), lastError: slot('lastError'), lastAttemptCode: slot('code'), notBefore: slot('notBefore'), updatedAt: dbNow })
    .where(eq(deliveries.id, sql.placeholder('id')))
    .prepare());

function writeAttempt(tx: Tx, d: DeliveryRow, attempt: number, outcome: AttemptOutcome, notBefore: string | null): void {
  prepared(tx, setAttempt).run({ id: d.id, attempt, lastError: outcome.ok ? null : outcome.reason, code: outcome.ok ? null : outcome.code, notBefore });
  appendAudit(tx, { type: 'delivery.attempt', ...auditOf(d), data: { delivery: d.id, target: d.targetId, attempt, ...outcome } });
}

/** A failed attempt that will be retried: the worker leaves the delivery alone until `now + retryInMs`, across a restart too. */
export function recordRetry(tx: Tx, d: DeliveryRow, attempt: number, outcome: { code: string; reason: string; retryInMs: number }, now: number): void {
  writeAttempt(tx, d, attempt, { ok: false, ...outcome }, new Date(now + outcome.retryInMs).toISOString());
}

const setDelivered = hot((db: DbOrTx) =>
  db
    .update(deliveries)
    .set({ status: 'sent', link: slot('link'), lastError: slot('lastError'), notBefore: null, ...UNCLAIMED, updatedAt: dbNow })
    .where(eq(deliveries.id, sql.placeholder('id')))
    .prepare());

/** A delivery is sent; with `attempt`, the attempt that got it there is recorded alongside. */
export function writeDelivered(tx: Tx, d: DeliveryRow, link: string | null, notes: string[], attempt?: number): void {
  if (attempt !== undefined) writeAttempt(tx, d, attempt, { ok: true }, null);
  prepared(tx, setDelivered).run({ id: d.id, link, lastError: notes.length ? notes.join('; ') : null });
  appendAudit(tx, { type: 'delivery.sent', ...auditOf(d), data: { delivery: d.id, target: d.targetId, link, notes } });
}

/** A delivery failed for good; with `attempt`, the attempt that ended it is recorded alongside. */
export function markFailed(tx: Tx, d: DeliveryRow, reason: string, attempt?: { number: number; code: string; reason: string }): void {
  if (attempt) writeAttempt(tx, d, attempt.number, { ok: false, code: attempt.code, reason: attempt.reason }, null);
  tx.update(deliveries).set({ status: 'failed', lastError: reason, notBefore: null, ...UNCLAIMED, updatedAt: dbNow }).where(eq(deliveries.id, d.id)).run();
  appendAudit(tx, { type: 'delivery.failed', ...auditOf(d), data: { delivery: d.id, target: d.targetId, reason } });
}

/**
 * A delivery that will not go out: its target was marked compromised before it was sent. It is
 * not retried on its own when the target is restored (see /retry).
 */
export function markHeld(tx: Tx, d: Pick<DeliveryRow, 'id' | 'draftId' | 'targetId' | 'platform'>, reason: string): void {
  tx.update(deliveries).set({ status: 'held', lastError: reason, notBefore: null, ...UNCLAIMED, updatedAt: dbNow }).where(eq(deliveries.id, d.id)).run();
  appendAudit(tx, { type: 'delivery.held', actor: 'herald', platform: d.platform, draftId: d.draftId, data: { delivery: d.id, target: d.targetId, reason } });
}

/** The messages of a statement on one target that are still up, in order: what a correction edits and a retraction deletes. */
export function liveParts(db: DbOrTx, draftId: number, targetId: string, kinds: Array<'publish' | 'correct'>): PartRow[] {
  return db
    .select({ part: deliveryParts })
    .from(deliveryParts)
    .innerJoin(deliveries, eq(deliveries.id, deliveryParts.deliveryId))
    .innerJoin(broadcasts, eq(broadcasts.id, deliveries.broadcastId))
    .where(and(eq(deliveries.draftId, draftId), eq(deliveries.targetId, targetId), inArray(broadcasts.kind, kinds), eq(deliveryParts.status, 'sent')))
    .orderBy(asc(deliveries.id), asc(deliveryParts.idx))
    .all()
    .map((r) => r.part);
}

export interface PendingDelivery {
  id: number;
  draftId: number;
  broadcastId: number;
  targetId: string;
  platform: string;
  /** The draft's incident, or null: an incident's deliveries to one target run in order. */
  incidentId: number | null;
  /** Not to be started before this ISO time (a retry's backoff), or null. */
  notBefore: string | null;
  /** The instance sending it, and until when (see ./claim.ts); null while nobody is. */
  claimedBy: string | null;
  claimExpiresAt: string | null;
}

const pendingQuery = hot((db: DbOrTx) =>
  db
    .select({
      id: deliveries.id,
      draftId: deliveries.draftId,
      broadcastId: deliveries.broadcastId,
      targetId: deliveries.targetId,
      platform: deliveries.platform,
      incidentId: drafts.incidentId,
      notBefore: deliveries.notBefore,
      claimedBy: deliveries.claimedBy,
      claimExpiresAt: deliveries.claimExpiresAt,
    })
    .from(deliveries)
    .innerJoin(drafts, eq(drafts.id, deliveries.draftId))
    .where(eq(deliveries.status, 'pending'))
    .orderBy(asc(deliveries.id))
    .prepare());
/** Pending deliveries, oldest first, with what the worker schedules them by, in one query. */
export const pendingDeliveries = (db: DbOrTx): PendingDelivery[] => prepared(db, pendingQuery).all();
