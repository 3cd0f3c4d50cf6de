import { eq } from 'drizzle-orm';
import { broadcasts, deliveries, drafts } from '../../store/schema';
import { dbNow } from '../../store/now';
import { appendAudit } from '../../audit/append';
import type { VerbContext } from '../drafts/context';
import { auditBase } from '../drafts/context';
import { renderedOf, type DraftRow, type RevisionRow } from '../drafts/load';
import { contentFor } from '../statement/render';
import { reachOf } from './reach';
import { DRAFT_STATUS } from '../drafts/states';
import { recordPublication } from '../incidents/published';
import { applyChannelChange } from '../channels/apply';

export type BroadcastKind = 'publish' | 'correct' | 'retract';

/** What the approval reply says is happening. */
export const UNDER_WAY: Record<BroadcastKind, string> = { publish: 'Broadcasting now', correct: 'Correcting now', retract: 'Retracting now' };

const KIND_OF_REVISION: Record<string, BroadcastKind> = { statement: 'publish', correction: 'correct', retraction: 'retract' };

/** Well under either engine's limit on a statement's parameters (SQLite 32,766, PostgreSQL 65,535), at 5 a row. */
const DELIVERIES_PER_INSERT = 500;

/**
 * The final approval's effect, in the approval's own transaction: the broadcast, one pending
 * delivery per target, the draft's new state and the audit event commit together or not at all.
 */
export function startBroadcast(v: VerbContext, draft: DraftRow, rev: RevisionRow): { broadcastId: number; targets: string[]; kind: BroadcastKind } {
  const kind = KIND_OF_REVISION[rev.kind]!;
  if (kind === 'publish') applyChannelChange(v, draft, rev);
  const rendered = renderedOf(rev);
  // A correction leaves alone a platform whose text did not change (X, when only Discord's and Telegram's did).
  const targets = reachOf(v.core.config, v.tx, draft, kind)
    .filter((r) => kind !== 'correct' || contentFor(rendered, r.platform).length > 0)
    .map((r) => r.targetId);
  const broadcast = v.tx.insert(broadcasts).values({ draftId: draft.id, revisionId: rev.id, kind }).returning({ id: broadcasts.id }).get();
  // One INSERT per few hundred targets, ids in the targets' order: a statement to 200 channels
  // is on the approval's path, before any post leaves.
  const rows = targets.map((targetId) => ({ broadcastId: broadcast.id, draftId: draft.id, targetId, platform: v.core.config.targets[targetId]?.platform ?? 'unknown', status: 'pending' as const }));
  for (let i = 0; i < rows.length; i += DELIVERIES_PER_INSERT) v.tx.insert(deliveries).values(rows.slice(i, i + DELIVERIES_PER_INSERT)).run();
  v.tx
    .update(drafts)
    .set({
      status: kind === 'retract' ? DRAFT_STATUS.retracted : DRAFT_STATUS.published,
      pendingRevisionId: null,
      ...(kind === 'retract' ? { closedReason: rev.reason } : { publishedRevisionId: rev.id }),
      updatedAt: dbNow,
    })
    .where(eq(drafts.id, draft.id))
    .run();
  appendAudit(v.tx, {
    type: 'broadcast.started',
    ...auditBase(v, draft.id),
    data: { broadcast: broadcast.id, kind, revision: rev.number, contentHash: rev.contentHash, targets },
  });
  recordPublication(v, draft, rev, kind);
  return { broadcastId: broadcast.id, targets, kind };
}
