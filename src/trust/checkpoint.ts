import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { eq } from 'drizzle-orm';
import { auditEvents } from '../store/schema';
import type { Db } from '../store/db';
import { auditHeadRow } from '../audit/head';
import { verifySignature, type PublicKey, type SigningKey } from './keys';
import { byText } from '../util/order';

/**
 * A signed statement of the audit log's head: "at `ts` the log ended at row `seq` with hash
 * `hash`". Kept outside the database file (and published on the status site), it lets anyone
 * prove later that no row up to `seq` was cut or rewritten, even by someone who could edit the
 * file and recompute the chain: they cannot sign a new checkpoint without herald's key.
 */
export interface Checkpoint {
  seq: number;
  hash: string;
  ts: string;
  key_id: string;
  signature: string;
}

const checkpointMessage = (c: Omit<Checkpoint, 'signature'>) => ['herald audit checkpoint v1', `key ${c.key_id}`, `seq ${c.seq}`, `hash ${c.hash}`, `time ${c.ts}`].join('\n');

export function makeCheckpoint(db: Db, key: SigningKey, now: Date): Checkpoint {
  const head = auditHeadRow(db);
  const body = { seq: head.seq, hash: head.hash, ts: now.toISOString(), key_id: key.keyId };
  return { ...body, signature: key.sign(checkpointMessage(body)) };
}

/** One line of JSON per checkpoint, appended: earlier checkpoints stay, so each one can still be checked. */
export function appendCheckpoint(file: string, c: Checkpoint): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(c)}\n`);
}

export function readLastCheckpoint(file: string): Checkpoint | undefined {
  if (!existsSync(file)) return undefined;
  return parseCheckpoints(readFileSync(file, 'utf8')).at(-1);
}

const isCheckpoint = (v: unknown): v is Checkpoint => {
  const c = v as Checkpoint;
  return !!c && Number.isInteger(c.seq) && typeof c.hash === 'string' && typeof c.ts === 'string' && typeof c.key_id === 'string' && typeof c.signature === 'string';
};

/**
 * The checkpoints in a checkpoint file (JSON lines) or in a status site's `.well-known/herald.json`
 * (its `checkpoint` and `keys`). Throws a sentence when the text is neither.
 */
export function parseCheckpoints(text: string): Checkpoint[] {
  const lines = text.split('\n').filter((l) => l.trim());
  const out: Checkpoint[] = [];
  for (const [i, line] of lines.entries()) {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new Error(`line ${i + 1} is not JSON`);
    }
    if (!isCheckpoint(v)) throw new Error(`line ${i + 1} is not a herald checkpoint (seq, hash, ts, key_id, signature)`);
    out.push(v);
  }
  return out;
}

export type AgainstResult = { ok: true; line: string } | { ok: false; line: string };

const short = (h: string) => `${h.slice(0, 12)}…`;

/**
 * Checks the log against signed checkpoints. The chain itself is checked first (verifyAudit);
 * this proves what the chain cannot: that its end was not cut off and that it was not rewritten
 * and recomputed. The newest checkpoint with a valid signature decides, since a matching hash at
 * row N vouches for every row up to N; an older one that still matches says how far the log is intact.
 */
export function checkAgainst(db: Db, checkpoints: Checkpoint[], keys: PublicKey[], where: string): AgainstResult {
  const trusted = checkpoints.filter((c) => keys.some((k) => k.keyId === c.key_id && verifySignature(k, checkpointMessage(c), c.signature)));
  if (!checkpoints.length) return { ok: false, line: `${where} holds no checkpoint` };
  if (trusted.length < checkpoints.length) {
    const bad = checkpoints.find((c) => !trusted.includes(c))!;
    return { ok: false, line: `the checkpoint of ${bad.ts} in ${where} is not signed by herald's key (${keys.map((k) => k.keyId).join(', ') || 'none known'}): it was forged or altered` };
  }
  const byNewest = [...trusted].sort((a, b) => b.seq - a.seq || byText(b.ts, a.ts));
  const newest = byNewest[0]!;
  const head = auditHeadRow(db);
  const hashAt = (seq: number) => (seq === 0 ? head.hash : db.select({ hash: auditEvents.hash }).from(auditEvents).where(eq(auditEvents.seq, seq)).get()?.hash);
  const matches = (c: Checkpoint) => c.seq <= head.seq && (c.seq === 0 || hashAt(c.seq) === c.hash);
  const signed = `the checkpoint of ${newest.ts} records row ${newest.seq} with hash ${short(newest.hash)}`;
  if (head.seq < newest.seq) {
    const end = head.seq === 0 ? 'the log is empty' : `the log ends at row ${head.seq}`;
    return { ok: false, line: `audit log CUT: ${signed}, but ${end}: rows ${head.seq + 1}–${newest.seq} are missing` };
  }
  if (!matches(newest)) {
    const intact = byNewest.find(matches);
    const since = intact ? `a row from ${intact.seq + 1} to ${newest.seq} was changed (the checkpoint of ${intact.ts} still matches at row ${intact.seq})` : `a row up to ${newest.seq} was changed`;
    return { ok: false, line: `audit log REWRITTEN: ${signed}, but row ${newest.seq} now has hash ${short(hashAt(newest.seq) ?? '')}: ${since}` };
  }
  return { ok: true, line: `audit log OK against ${where}: row ${newest.seq} still has the hash the checkpoint of ${newest.ts} signed; the log has ${head.seq} rows` };
}
