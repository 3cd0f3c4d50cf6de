import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { rowHash, type AuditRowContent } from '../../src/audit/append';
import { createKeyFile } from '../../src/trust/keys';
import { herald, outsideSql } from '../support/cli';
import { testConfig } from '../support/config';
import { testHerald } from '../support/herald';
import { EXPLOIT_VARS } from '../support/vars';
import { publish } from '../site/incident';

const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; hash: string; ts: string; key_id: string; signature: string });

/** A signed herald that published one sev1 statement; its database closed, as the CLI finds it. */
async function publishedLog() {
  const config = testConfig();
  createKeyFile(config.paths.signingKey);
  const t = testHerald(config);
  t.herald.trust.start();
  await publish(t, `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`, 1);
  const env = { HERALD_DB_PATH: config.paths.db, HERALD_SIGNING_KEY_FILE: config.paths.signingKey, HERALD_CHECKPOINTS_FILE: config.paths.checkpoints };
  return { t, config, env };
}

async function closedLog() {
  const p = await publishedLog();
  await p.t.close();
  p.t.db.$client.close();
  return p;
}

/**
 * What an attacker with the database file can do: drop the append-only triggers, change row
 * `seq`'s data and recompute every hash from there on, so that the chain verifies again.
 */
function rewriteAndRechain(dbPath: string, seq: number, data: string): void {
  const db = new Database(dbPath);
  try {
    db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
    const rows = db.prepare('SELECT seq, ts, type, actor, platform, chat_id AS chatId, draft_id AS draftId, data, prev_hash AS prevHash FROM audit_events ORDER BY seq').all() as Array<AuditRowContent & { prevHash: string }>;
    const update = db.prepare('UPDATE audit_events SET data = ?, prev_hash = ?, hash = ? WHERE seq = ?');
    let prev = rows.find((r) => r.seq === seq)!.prevHash;
    for (const { prevHash: _p, ...row } of rows.filter((r) => r.seq >= seq)) {
      const content = row.seq === seq ? { ...row, data } : row;
      const hash = rowHash(prev, content);
      update.run(content.data, prev, hash, row.seq);
      prev = hash;
    }
  } finally {
    db.close();
  }
}

describe('audit checkpoints', () => {
  it('are written after a broadcast and every hour on the core clock, each signing the row it names', async () => {
    const { t, config } = await publishedLog();
    const written = lines(config.paths.checkpoints);
    const last = written.at(-1)!;
    const head = t.db.$client.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    expect(last.seq).toBeGreaterThan(written[0]!.seq);
    expect(last).toMatchObject({ seq: head.seq, hash: head.hash, ts: '2026-06-01T14:00:00.000Z' });
    // An hour later, with nothing new, one more: herald was still there.
    t.clock.advance(3_600_000);
    await t.herald.trust.idle();
    expect(lines(config.paths.checkpoints).at(-1)).toMatchObject({ seq: head.seq, hash: head.hash, ts: '2026-06-01T15:00:00.000Z' });
    await t.close();
  });

  it('herald audit checkpoint prints the current signed head and keeps it in the checkpoint file', async () => {
    const { env, config } = await closedLog();
    const before = lines(config.paths.checkpoints).length;
    const r = herald(['audit', 'checkpoint'], env);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as { seq: number; hash: string; ts: string; key_id: string; signature: string };
    expect(printed).toEqual({ seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/), ts: expect.any(String), key_id: expect.stringMatching(/^[0-9a-f]{16}$/), signature: expect.any(String) });
    expect(lines(config.paths.checkpoints)).toHaveLength(before + 1);
    expect(lines(config.paths.checkpoints).at(-1)).toEqual(printed);
    const noKey = herald(['audit', 'checkpoint'], { ...env, HERALD_SIGNING_KEY_FILE: `${config.paths.signingKey}.missing` });
    expect(noKey.stderr).toMatch(/^herald: HERALD_SIGNING_KEY_FILE: there is no signing key at .+\.missing, so no checkpoint can be signed; run herald keys init first/);
    expect(noKey.code).toBe(1);
  });

  it('verify --against passes on an untouched log', async () => {
    const { env, config } = await closedLog();
    const r = herald(['audit', 'verify', '--against', config.paths.checkpoints], env);
    expect(r.stdout).toMatch(/^audit log OK against .+checkpoints\.jsonl: row (\d+) still has the hash the checkpoint of 2026-06-01T14:00:00\.000Z signed; the log has \1 rows\n$/);
    expect(r.code).toBe(0);
  });

  it('verify --against fails, naming the missing rows, after the last rows are deleted', async () => {
    const { env, config } = await closedLog();
    const head = lines(config.paths.checkpoints).at(-1)!.seq;
    outsideSql(config.paths.db, `DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE seq > ${head - 5};`);
    // The chain alone cannot tell: what is left still links up.
    expect(herald(['audit', 'verify'], env).code).toBe(0);
    const r = herald(['audit', 'verify', '--against', config.paths.checkpoints], env);
    expect(r.stdout).toMatch(new RegExp(`^audit log CUT: the checkpoint of 2026-06-01T14:00:00\\.000Z records row ${head} with hash [0-9a-f]{12}…, but the log ends at row ${head - 5}: rows ${head - 4}–${head} are missing\\n$`));
    expect(r.code).toBe(1);
  });

  it('verify --against fails after every row is deleted', async () => {
    const { env, config } = await closedLog();
    const head = lines(config.paths.checkpoints).at(-1)!.seq;
    outsideSql(config.paths.db, 'DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events;');
    expect(herald(['audit', 'verify'], env).code).toBe(0);
    const r = herald(['audit', 'verify', '--against', config.paths.checkpoints], env);
    expect(r.stdout).toMatch(new RegExp(`^audit log CUT: .+ records row ${head} .+, but the log is empty: rows 1–${head} are missing\\n$`));
    expect(r.code).toBe(1);
  });

  it('verify --against fails after a row is edited and the chain recomputed, saying how far the log still matches', async () => {
    const { env, config } = await closedLog();
    const written = lines(config.paths.checkpoints);
    const head = written.at(-1)!.seq;
    // A row near the end given other content, every later hash recomputed.
    const edited = head - 3;
    rewriteAndRechain(config.paths.db, edited, '{"forged":true}');
    expect(herald(['audit', 'verify'], env).stdout).toMatch(/^audit log OK/);
    const r = herald(['audit', 'verify', '--against', config.paths.checkpoints], env);
    const intact = written.filter((c) => c.seq < edited).at(-1)!;
    expect(r.stdout).toMatch(
      new RegExp(`^audit log REWRITTEN: the checkpoint of .+ records row ${head} with hash ${written.at(-1)!.hash.slice(0, 12)}…, but row ${head} now has hash [0-9a-f]{12}…: a row from ${intact.seq + 1} to ${head} was changed \\(the checkpoint of .+ still matches at row ${intact.seq}\\)\\n$`),
    );
    expect(r.code).toBe(1);
  });

  it('verify --against refuses a checkpoint that herald did not sign', async () => {
    const { env, config } = await closedLog();
    const forged = { ...lines(config.paths.checkpoints).at(-1)!, seq: 3 };
    const file = `${config.paths.checkpoints}.forged`;
    writeFileSync(file, `${JSON.stringify(forged)}\n`);
    const r = herald(['audit', 'verify', '--against', file], env);
    expect(r.stdout).toMatch(/^the checkpoint of 2026-06-01T14:00:00\.000Z in .+\.forged is not signed by herald's key \([0-9a-f]{16}\): it was forged or altered\n$/);
    expect(r.code).toBe(1);
  });
});
