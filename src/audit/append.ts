import { desc, sql } from 'drizzle-orm';
import { auditEvents } from '../store/schema';
import { txMemo, type DbOrTx } from '../store/db';
import { prepared } from '../store/prepared';
import { canonicalJson } from '../util/canonical-json';
import { sha256 } from '../util/hash';
import { redactDeep } from '../util/redact';

export interface AuditInput {
  type: string;
  actor?: string | null;
  platform?: string | null;
  chatId?: string | null;
  draftId?: number | null;
  data?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRowContent {
  seq: number;
  ts: string;
  type: string;
  actor: string | null;
  platform: string | null;
  chatId: string | null;
  draftId: number | null;
  data: string;
}

/**
 * The hash of a row: SHA-256 over the previous row's hash and this row's canonical content
 * (its JSON with the keys sorted). The keys are written here already in that order, which is
 * canonicalJson(row) without sorting them again for every row appended or verified.
 */
export function rowHash(prevHash: string, row: AuditRowContent): string {
  const { actor, chatId, data, draftId, platform, seq, ts, type } = row;
  return sha256(`${prevHash}\n${JSON.stringify({ actor, chatId, data, draftId, platform, seq, ts, type })}`);
}

const COLUMNS = ['seq', 'ts', 'type', 'actor', 'platform', 'chatId', 'draftId', 'data', 'prevHash', 'hash'] as const;
type AuditRow = AuditRowContent & { prevHash: string; hash: string };

// Prepared once per database (../store/prepared.ts): every chat message herald sends appends a
// row, and building the two statements again cost more than the rest of an append together.
const headQuery = (db: DbOrTx) => db.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1).prepare();
const insertQuery = (db: DbOrTx) =>
  db
    .insert(auditEvents)
    .values(Object.fromEntries(COLUMNS.map((c) => [c, sql.placeholder(c)])) as unknown as AuditRow)
    .prepare();

/**
 * The head a write transaction has appended so far is kept in its memo (../store/db.ts): the rows
 * after its first append need no read, since nothing else writes the chain while it holds the
 * write lock. `epoch` counts the appends made some other way (outside a transaction, or through
 * a transaction object writeTx and savepoint did not open), which that memory cannot see: after
 * one, the head is read again.
 */
const HEAD = Symbol('audit head');
let epoch = 0;

/**
 * Appends one event to the chain. Call it inside the same transaction as the change it records,
 * so the change and its evidence commit or roll back together. The head is read inside that
 * transaction (then kept for its next appends), so two processes never fork the chain.
 */
export function appendAudit(tx: DbOrTx, input: AuditInput): { seq: number; hash: string } {
  const memo = txMemo(tx);
  if (!memo) epoch++;
  const known = memo?.get(HEAD) as { seq: number; hash: string; epoch: number } | undefined;
  const last = known && known.epoch === epoch ? known : prepared(tx, headQuery).get();
  const row: AuditRowContent = {
    seq: (last?.seq ?? 0) + 1,
    ts: new Date().toISOString(),
    type: input.type,
    actor: input.actor ?? null,
    platform: input.platform ?? null,
    chatId: input.chatId ?? null,
    draftId: input.draftId ?? null,
    data: canonicalJson(redactDeep(input.data ?? {})),
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  const hash = rowHash(prevHash, row);
  prepared(tx, insertQuery).run({ ...row, prevHash, hash });
  memo?.set(HEAD, { seq: row.seq, hash, epoch });
  return { seq: row.seq, hash };
}
