import type { Statement } from 'better-sqlite3';
import { desc } from 'drizzle-orm';
import { auditEvents } from '../store/schema';
import { dbOf, deferWrite, flushDeferred, txMemo, type Db, type DbOrTx } from '../store/db';
import { sha256 } from '../util/hash';
import { redactedCanonicalJson } from '../util/redact';

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

type AuditRow = AuditRowContent & { prevHash: string; hash: string };

// Plain SQL on the connection itself (both engines take it, as verify.ts's does): drizzle's
// builders, its placeholders and its per-query bookkeeping cost more than SQLite's insert.
const HEAD_SQL = 'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1';
const INSERT_SQL = 'INSERT INTO audit_events (seq, ts, type, actor, platform, chat_id, draft_id, data, prev_hash, hash) VALUES ';
const VALUES = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** The most rows one INSERT carries (10 values each: far below either engine's limit on parameters). */
const MAX_ROWS = 64;

type Client = Db['$client'];
interface Statements {
  head: Statement<[]>;
  /** The INSERT of n rows at [n - 1], prepared as first needed. */
  insert: Statement<unknown[]>[];
}
const statements = new WeakMap<Client, Statements>();

function statementsOf(db: Db): Statements {
  let s = statements.get(db.$client);
  if (!s) statements.set(db.$client, (s = { head: db.$client.prepare(HEAD_SQL), insert: [] }));
  return s;
}

/** A transaction object neither writeTx nor savepoint opened (../store/db.ts): drizzle's builders, as before. */
function appendThroughDrizzle(tx: DbOrTx, row: AuditRow): void {
  tx.insert(auditEvents).values(row).run();
}

function insertRows(db: Db, rows: AuditRow[]): void {
  const s = statementsOf(db);
  for (let at = 0; at < rows.length; at += MAX_ROWS) {
    const chunk = rows.slice(at, at + MAX_ROWS);
    const insert = (s.insert[chunk.length - 1] ??= db.$client.prepare(INSERT_SQL + Array(chunk.length).fill(VALUES).join(', ')));
    const values: unknown[] = [];
    for (const r of chunk) values.push(r.seq, r.ts, r.type, r.actor, r.platform, r.chatId, r.draftId, r.data, r.prevHash, r.hash);
    insert.run(...values);
  }
}

/**
 * The head a write transaction has appended so far is kept in its memo (../store/db.ts): the rows
 * after its first append need no read, since nothing else writes the chain while it holds the
 * write lock. `epoch` counts the appends made some other way (outside a transaction, or through
 * a transaction object writeTx and savepoint did not open), which that memory cannot see: after
 * one, the head is read again.
 */
const HEAD = Symbol('audit head');
/** The transaction's rows not inserted yet: they go in together, just before it commits (deferWrite). */
const PENDING = Symbol('audit rows');
let epoch = 0;

/**
 * Appends one event to the chain. Call it inside the same transaction as the change it records,
 * so the change and its evidence commit or roll back together. The head is read inside that
 * transaction (then kept for its next appends), so two processes never fork the chain. Inside a
 * transaction writeTx opened, the row's seq and hash are fixed here and the row is inserted with
 * the transaction's other audit rows before it commits.
 */
export function appendAudit(tx: DbOrTx, input: AuditInput): { seq: number; hash: string } {
  const db = dbOf(tx);
  const memo = txMemo(tx);
  if (!memo) epoch++;
  const known = memo?.get(HEAD) as { seq: number; hash: string; epoch: number } | undefined;
  const last = known && known.epoch === epoch ? known : readHead(tx, db);
  const full: AuditRow = {
    seq: (last?.seq ?? 0) + 1,
    ts: nowIso(),
    type: input.type,
    actor: input.actor ?? null,
    platform: input.platform ?? null,
    chatId: input.chatId ?? null,
    draftId: input.draftId ?? null,
    data: redactedCanonicalJson(input.data ?? {}),
    prevHash: last?.hash ?? GENESIS_HASH,
    hash: '',
  };
  const { seq, prevHash } = full;
  const hash = (full.hash = rowHash(prevHash, full));
  if (!db) appendThroughDrizzle(tx, full);
  else if (!memo) insertRows(db, [full]);
  else {
    let pending = memo.get(PENDING) as AuditRow[] | undefined;
    if (!pending) memo.set(PENDING, (pending = []));
    pending.push(full);
    deferWrite(tx, PENDING, () => {
      const rows = memo.get(PENDING) as AuditRow[] | undefined;
      memo.delete(PENDING);
      if (rows?.length) insertRows(db, rows);
    });
  }
  memo?.set(HEAD, { seq, hash, epoch });
  return { seq, hash };
}

/** An append's time; a group commit appends many within one millisecond, and they share its text. */
let lastMs = NaN;
let lastIso = '';
function nowIso(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

function readHead(tx: DbOrTx, db: Db | undefined): { seq: number; hash: string } | undefined {
  // Rows the open write transaction has put off must be in before the head is read.
  flushDeferred(tx);
  if (db) return statementsOf(db).head.get() as { seq: number; hash: string } | undefined;
  return tx.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1).get();
}
