import { eq, sql } from 'drizzle-orm';
import { broadcasts } from '../../store/schema';
import { writeTx, type DbOrTx, type Tx } from '../../store/db';
import { hot, prepared } from '../../store/prepared';
import type { Core } from '../core';
import type { Severity, Target } from '../../config/types';
import { HeraldError } from '../errors';
import { getDraft, getRevision, renderedOf } from '../drafts/load';
import { contentFor } from '../statement/render';
import { contentText, type PartContent, type Publisher, type SentMessage } from './publisher';
import { asMessage, ensureParts, liveParts, markPartDeleted, markPartSent, markSending, partsOf, type DeliveryRow, type PartRow } from './record';
import { heldReason, markOf } from '../channels/marks';
import { repinLatest, supersededHere, threadAnchor, unpinSuperseded, type StepContext } from './incident';

const broadcastById = hot((db: DbOrTx) => db.select().from(broadcasts).where(eq(broadcasts.id, sql.placeholder('id'))).prepare());

/** Runs one publisher call under the configured bound: no answer in time is a network failure (outcome unknown). */
export type Guard = <T>(what: string, call: () => Promise<T>) => Promise<T>;

export interface Performed {
  link: string | null;
  notes: string[];
  /**
   * The first part, pinned by this run: recorded with the delivery's outcome, in the group
   * commit of the deliveries finishing together. A commit of its own blocked the loop once per
   * channel while the other channels' answers waited to be read. A crash before the outcome's
   * commit leaves the delivery pending, and its resume pins the post again.
   */
  pinned: PartRow | null;
}

/**
 * Does one delivery's work from wherever it stopped: parts already sent are skipped, a part
 * marked `sending` (the process died mid-request) is sent again with its fixed nonce.
 */
/**
 * How many parts a publication posts on `platform`, for its parts to be created with its claim;
 * undefined for a correction or a retraction, whose parts depend on what is up already.
 */
export function publishedParts(db: DbOrTx, broadcastId: number, platform: string): number | undefined {
  const broadcast = prepared(db, broadcastById).get({ id: broadcastId });
  if (broadcast?.kind !== 'publish') return undefined;
  return contentFor(renderedOf(getRevision(db, broadcast.revisionId)), platform).length;
}

/**
 * `fresh`: the delivery's parts were created just now, with its claim (see DeliveryWorker), and
 * nothing was sent for them: its first part's `sending` mark is not an unknown outcome.
 */
export async function perform(core: Core, publisher: Publisher, target: Target, d: DeliveryRow, guard: Guard, hold: (tx: Tx) => void = () => {}, fresh = false): Promise<Performed> {
  // Each step is one durable commit of its own, before the next request goes out; `hold` refuses
  // it (and so every later request) once another instance took the delivery over.
  const commit = <T>(write: (tx: Tx) => T): T =>
    writeTx(core.db, (tx) => {
      hold(tx);
      return write(tx);
    });
  const broadcast = prepared(core.db, broadcastById).get({ id: d.broadcastId })!;
  const draft = getDraft(core.db, d.draftId);
  const policyConfig = core.config.policies[draft.severity as Severity];
  const rendered = renderedOf(getRevision(core.db, broadcast.revisionId));
  let content: PartContent[] = contentFor(rendered, d.platform);
  const incidentId = draft.incidentId;
  const step: StepContext = { core, publisher, target, d, guard, commit };
  let notes: string[] = [];
  let pinned: PartRow | null = null;

  if (broadcast.kind === 'retract') {
    for (const part of liveParts(core.db, d.draftId, d.targetId, ['publish', 'correct'])) {
      await guard('delete', () => publisher.remove({ target, message: asMessage(part) }));
      commit((tx) => markPartDeleted(tx, d, part));
    }
    if (incidentId !== null) notes = await repinLatest(step, incidentId);
    // Then the community is told why the statement disappeared, when the policy says so.
    content = rendered.notice ? contentFor(rendered.notice, d.platform) : [];
    if (!content.length) return { link: null, notes, pinned };
  }

  const original = broadcast.kind === 'correct' ? liveParts(core.db, d.draftId, d.targetId, ['publish']) : [];
  if (broadcast.kind === 'correct' && original.length === 0) {
    throw new HeraldError('not_found', 'the statement was never posted here, so there is nothing to correct', { retryable: false });
  }
  const pin = broadcast.kind === 'publish' && policyConfig.pin && !(incidentId !== null && supersededHere(core.db, d, incidentId));
  const policy = { pingEveryone: broadcast.kind === 'publish' && policyConfig.ping_everyone, pin };
  // The first part goes out at once unless it is a correction edited in place.
  const firstSending = !(original[0] && publisher.editsInPlace);
  const { parts, created } = fresh && broadcast.kind === 'publish' ? { parts: partsOf(core.db, d.id), created: true } : commit((tx) => ensureParts(tx, d.id, content.length, firstSending));
  // On X an incident is one reply chain: a follow-up's first post, or a retraction's notice, answers the incident's latest post.
  const anchor = broadcast.kind !== 'correct' && d.platform === 'x' && incidentId !== null ? threadAnchor(core.db, d, incidentId) : undefined;
  const sent: SentMessage[] = [];
  // The part the last commit marked `sending`, in this run: nothing was sent for it yet.
  let marked = created && firstSending ? parts[0]?.id : undefined;
  for (const [i, part] of parts.entries()) {
    const body = content[part.idx]!;
    if (part.status === 'sent' || part.status === 'edited') {
      sent.push(asMessage(part));
      continue;
    }
    const old = original[part.idx];
    if (old && publisher.editsInPlace) {
      await guard('edit', () => publisher.edit({ target, message: asMessage(old), content: body, index: part.idx, total: content.length }));
      commit((tx) => markPartSent(tx, d, part, asMessage(old), contentText(body), 'edited'));
      sent.push(asMessage(old));
      continue;
    }
    // A thread continues from its previous part; an X correction answers the original post.
    const previous = sent[sent.length - 1] ?? (original[0] && !publisher.editsInPlace ? asMessage(original[0]) : undefined) ?? (anchor && asMessage(anchor));
    const justMarked = marked === part.id;
    const outcomeUnknown = part.status === 'sending' && !justMarked;
    // A thread stops at the part it reached when its target was marked compromised meanwhile.
    const mark = markOf(core.db, d.targetId);
    if (mark) throw new HeraldError('conflict', heldReason(mark), { retryable: false });
    if (!justMarked) commit((tx) => markSending(tx, part.id));
    const msg = await guard('send', () =>
      publisher.send({
        target,
        deliveryId: d.id,
        index: part.idx,
        total: content.length,
        content: body,
        nonce: part.nonce,
        ...(previous ? { replyTo: previous } : {}),
        policy,
        ...(outcomeUnknown ? { outcomeUnknown } : {}),
      }),
    );
    const next = parts[i + 1];
    marked = undefined;
    commit((tx) => {
      markPartSent(tx, d, part, msg, contentText(body), 'posted');
      // The next part of a thread is marked `sending` in the same commit: one durable commit
      // between two requests, not two. Not when its target was marked compromised meanwhile.
      if (next?.status === 'pending' && !(original[next.idx] && publisher.editsInPlace) && !markOf(tx, d.targetId)) {
        markSending(tx, next.id);
        marked = next.id;
      }
    });
    sent.push(msg);
  }
  if (publisher.editsInPlace) {
    // A shorter correction: the original's extra messages would otherwise stay up, uncorrected.
    for (const extra of original.slice(content.length)) {
      await guard('delete', () => publisher.remove({ target, message: asMessage(extra) }));
      commit((tx) => markPartDeleted(tx, d, extra));
    }
  }
  if (broadcast.kind === 'publish' && publisher.finish) {
    const finished = await guard('finish', () => publisher.finish!({ target, messages: sent, policy }));
    notes = [...notes, ...finished.notes];
    const first = partsOf(core.db, d.id)[0];
    if (finished.pinned && first && !first.pinned) pinned = first;
  }
  // The superseded statement loses its pin even when the new one's pin failed: it no longer speaks for the incident.
  if (policy.pin && incidentId !== null) notes = [...notes, ...(await unpinSuperseded(step, incidentId))];
  const link = (broadcast.kind === 'correct' ? original[0]?.url : sent[0]?.url) ?? null;
  return { link, notes, pinned };
}

