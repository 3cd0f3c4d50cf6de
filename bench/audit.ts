import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAudit, type AuditInput } from '../src/audit/append';
import { verifyAudit } from '../src/audit/verify';
import { AuditWriter } from '../src/audit/writer';
import { openDb, writeTx } from '../src/store/db';
import { round } from './stats';

/** What herald appends for every chat message it sends: about the size of a real message.sent event. */
const event = (producer: number, i: number): AuditInput => ({
  type: 'message.sent',
  actor: 'herald',
  platform: 'telegram',
  chatId: '-1001400000010',
  draftId: 1,
  data: { kind: 'preview-update', messageIds: [String(1000 + i)], producer, text: `#1 · sev2/degraded-service — Degraded service\nRevision 1 by alice · published\n✅ discord-announcements (Discord) — https://discord.com/channels/1/2/${i}` },
});

export interface AuditResult {
  events_per_s: number;
  producers: number;
  events: number;
  /** Appends per durable commit, on average. */
  batch: number;
  single_tx_events_per_s: number;
  single_tx_events: number;
  chain_ok: boolean;
}

/**
 * Durable appends a second on a real file database (WAL, synchronous=FULL, hash chain):
 * `producers` concurrent producers each awaiting core.audit.append() in a loop, as herald's
 * chat adapters do for every message they send; then the one-transaction-per-event path
 * (appendAudit inside writeTx) that state changes use, for comparison. With `database` (an empty
 * PostgreSQL database's URL) the same on PostgreSQL.
 */
export async function benchAudit(opts: { producers: number; events: number; singleTxEvents: number; database?: string }): Promise<AuditResult> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-audit-'));
  try {
    const db = openDb(opts.database ?? join(dir, 'herald.db'));
    const writer = new AuditWriter(db);
    let commits = 0;
    const original = writer.flush.bind(writer);
    const queued = writer as unknown as { queue: unknown[] };
    writer.flush = () => {
      if (queued.queue.length) commits++;
      original();
    };

    const perProducer = Math.ceil(opts.events / opts.producers);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: opts.producers }, async (_, p) => {
        for (let i = 0; i < perProducer; i++) await writer.append(event(p, i));
      }),
    );
    const grouped = perProducer * opts.producers;
    const groupedSeconds = (performance.now() - started) / 1000;

    const singleStarted = performance.now();
    for (let i = 0; i < opts.singleTxEvents; i++) writeTx(db, (tx) => appendAudit(tx, event(-1, i)));
    const singleSeconds = (performance.now() - singleStarted) / 1000;

    const chain = verifyAudit(db);
    db.$client.close();
    return {
      events_per_s: Math.round(grouped / groupedSeconds),
      producers: opts.producers,
      events: grouped,
      batch: round(grouped / Math.max(1, commits), 1),
      single_tx_events_per_s: Math.round(opts.singleTxEvents / singleSeconds),
      single_tx_events: opts.singleTxEvents,
      chain_ok: chain.ok && chain.rows === grouped + opts.singleTxEvents,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
