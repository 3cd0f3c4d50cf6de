import { desc } from 'drizzle-orm';
import { auditEvents } from '../store/schema';
import type { DbOrTx } from '../store/db';
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

/** The hash of a row: SHA-256 over the previous row's hash and this row's canonical content. */
export function rowHash(prevHash: string, row: AuditRowContent): string {
  return sha256(`${prevHash}\n${canonicalJson(row)}`);
}

/**
 * Appends one event to the chain. Call it inside the same transaction as the change it records,
 * so the change and its evidence commit or roll back together.
 */
export function appendAudit(tx: DbOrTx, input: AuditInput): { seq: number; hash: string } {
  const last = tx.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1).get();
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
  tx.insert(auditEvents).values({ ...row, prevHash, hash }).run();
  return { seq: row.seq, hash };
}
