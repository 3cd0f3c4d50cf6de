import { eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../store/db';
import { hot, prepared, slot } from '../../store/prepared';
import { broadcasts, drafts } from '../../store/schema';
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

/** Well under either engine's limit on a statement's parameters (SQLite 32,766, PostgreSQL 65,535), at 4 a row. */
const DELIVERIES_PER_INSERT = 500;

// Built once per database: SQL text drizzle built anew each time was most of the approval's
// work before its commit.
const insertBroadcast = hot((db: DbOrTx) =>
  db.insert(broadcasts).values({ draftId: sql.placeholder('draftId'), revisionId: sql.placeholder('revisionId'), kind: sql.placeholder('kind') }).returning({ id: broadcasts.id }).prepare());
/**
 * A broadcast's deliveries, plain SQL on the connection the approval's transaction runs on (as
 * the audit rows are): drizzle building a 51-row INSERT took 18 ms at the first approval after a
 * start.
 */
function insertDeliveries(db: Db, rows: Array<{ broadcastId: number; draftId: number; targetId: string; platform: string }>): void {
  const values: unknown[] = [];
  for (const r of rows) values.push(r.broadcastId, r.draftId, r.targetId, r.platform);
  db.$client.prepare(`INSERT INTO deliveries (broadcast_id, draft_id, target_id, platform, status) VALUES ${rows.map(() => "(?, ?, ?, ?, 'pending')").join(', ')}`).run(...values);
}
const markPublished = hot((db: DbOrTx) =>
  db
    .update(drafts)
    .set({ status: DRAFT_STATUS.published, pendingRevisionId: null, publishedRevisionId: slot('revisionId'), updatedAt: dbNow })
    .where(eq(drafts.id, sql.placeholder('id')))
    .prepare());
const markRetracted = hot((db: DbOrTx) =>
  db
    .update(drafts)
    .set({ status: DRAFT_STATUS.retracted, pendingRevisionId: null, closedReason: slot('reason'), updatedAt: dbNow })
    .where(eq(drafts.id, sql.placeholder('id')))
    .prepare());

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
  const broadcast = prepared(v.tx, insertBroadcast).get({ draftId: draft.id, revisionId: rev.id, kind })!;
  // One INSERT per few hundred targets, ids in the targets' order: a statement to 200 channels
  // is on the approval's path, before any post leaves.
  const rows = targets.map((targetId) => ({ broadcastId: broadcast.id, draftId: draft.id, targetId, platform: v.core.config.targets[targetId]?.platform ?? 'unknown' }));
  for (let i = 0; i < rows.length; i += DELIVERIES_PER_INSERT) insertDeliveries(v.core.db, rows.slice(i, i + DELIVERIES_PER_INSERT));
  if (kind === 'retract') prepared(v.tx, markRetracted).run({ id: draft.id, reason: rev.reason });
  else prepared(v.tx, markPublished).run({ id: draft.id, revisionId: rev.id });
  appendAudit(v.tx, {
    type: 'broadcast.started',
    ...auditBase(v, draft.id),
    data: { broadcast: broadcast.id, kind, revision: rev.number, contentHash: rev.contentHash, targets },
  });
  recordPublication(v, draft, rev, kind);
  return { broadcastId: broadcast.id, targets, kind };
}
