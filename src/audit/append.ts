import { desc, sql } from 'drizzle-orm';
import { auditEvents } from '../store/schema';
import { dbOf, txMemo, type Db, type DbOrTx } from '../store/db';
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

const headQuery = (db: DbOrTx) => db.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
const COLUMNS = ['seq', 'ts', 'type', 'actor', 'platform', 'chatId', 'draftId', 'data', 'prevHash', 'hash'] as const;
type AuditRow = AuditRowContent & { prevHash: string; hash: string };

/**
 * The head read and the insert, prepared once per database: every chat message herald sends
 * appends a row, and building and preparing the two statements again cost more than the rest
 * of an append together.
 */
const prepared = new WeakMap<Db, { head: () => { seq: number; hash: string } | undefined; insert: (row: AuditRow) => void }>();
function statements(db: Db) {
  let s = prepared.get(db);
  if (!s) {
    const head = headQuery(db).prepare();
    const insert = db
      .insert(auditEvents)
      .values(Object.fromEntries(COLUMNS.map((c) => [c, sql.placeholder(c)])) as unknown as AuditRow)
      .prepare();
    s = { head: () => head.get(), insert: (row) => void insert.run({ ...row }) };
    prepared.set(db, s);
  }
  return s;
}

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
  const db = dbOf(tx);
  const memo = txMemo(tx);
  if (!memo) epoch++;
  const s = db ? statements(db) : { head: () => headQuery(tx).get(), insert: (row: AuditRow) => void tx.insert(auditEvents).values(row).run() };
  const known = memo?.get(HEAD) as { seq: number; hash: string; epoch: number } | undefined;
  const last = known && known.epoch === epoch ? known : s.head();
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
  s.insert({ ...row, prevHash, hash });
  memo?.set(HEAD, { seq: row.seq, hash, epoch });
  return { seq: row.seq, hash };
}
