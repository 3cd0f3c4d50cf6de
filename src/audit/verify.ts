import type { Db } from '../store/db';
import { GENESIS_HASH, rowHash, type AuditRowContent } from './append';

export type VerifyResult =
  | { ok: true; rows: number; lastHash: string }
  | { ok: false; rows: number; seq: number; problem: string };

/** Walks the chain from the first row; reports the first row that does not match. */
export function verifyAudit(db: Db): VerifyResult {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let rows = 0;
  // Streamed row by row: the log of a long incident must not need to fit in memory.
  const rowsIter = db.$client
    .prepare(
      `SELECT seq, ts, type, actor, platform, chat_id AS "chatId", draft_id AS "draftId", data, prev_hash AS "prevHash", hash
       FROM audit_events ORDER BY seq`,
    )
    .iterate() as IterableIterator<AuditRowContent & { prevHash: string; hash: string }>;
  for (const row of rowsIter) {
    rows++;
    if (row.seq !== expectedSeq) {
      return { ok: false, rows, seq: row.seq, problem: `expected row ${expectedSeq} next, found row ${row.seq} (rows missing)` };
    }
    if (row.prevHash !== prevHash) {
      return { ok: false, rows, seq: row.seq, problem: 'its prev_hash does not match the hash of the row before it' };
    }
    const { prevHash: _p, hash, ...content } = row;
    if (rowHash(prevHash, content) !== hash) {
      return { ok: false, rows, seq: row.seq, problem: 'its content does not match its hash (the row was altered)' };
    }
    prevHash = hash;
    expectedSeq++;
  }
  return { ok: true, rows, lastHash: prevHash };
}
