import { describe, expect, it } from 'vitest';
import { testHerald } from '../support/herald';
import { EXPLOIT_VARS } from '../support/vars';
import { USER } from '../support/cast';
import { herald, outsideSql } from '../support/cli';
import { permanent } from '../support/publisher';

/** A realistic log: a sev1 statement drafted on Discord, approved from both platforms, one target failing. */
async function makeLog() {
  const t = testHerald();
  t.pubs.telegram.script('telegram-main', { error: permanent() });
  t.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
  t.chat.say('mallory', '/approve #1');
  t.chat.say('bob', '/approve #1');
  // carol reads the draft in the Telegram group first: a typed approval counts for what that chat was shown.
  t.telegram.say('carol', '/show #1');
  t.telegram.say('carol', '/approve #1');
  await t.herald.worker.idle();
  await t.close();
  t.db.$client.close();
  return t.config.paths.db;
}

describe('herald audit', () => {
  it('verify passes on the log of a real flow, and names the row after one row is altered outside herald', async () => {
    const db = await makeLog();
    const ok = herald(['audit', 'verify'], { HERALD_DB_PATH: db });
    expect(ok.stdout).toMatch(/^audit log OK: \d+ rows, chain intact, last hash [0-9a-f]{64}\n$/);
    expect(ok.code).toBe(0);

    // The triggers refuse the change...
    expect(() => outsideSql(db, `UPDATE audit_events SET actor = 'mallory' WHERE seq = 5`)).toThrow(/append-only/);
    expect(() => outsideSql(db, `DELETE FROM audit_events WHERE seq = 5`)).toThrow(/append-only/);
    // ...so an attacker drops them first.
    outsideSql(db, `DROP TRIGGER audit_events_no_update; UPDATE audit_events SET actor = 'mallory' WHERE seq = 5;`);
    const broken = herald(['audit', 'verify'], { HERALD_DB_PATH: db });
    expect(broken.stdout).toBe('audit log BROKEN at row 5: its content does not match its hash (the row was altered)\n');
    expect(broken.code).toBe(1);
  });

  it('verify notices a deleted row', async () => {
    const db = await makeLog();
    outsideSql(db, `DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE seq = 3;`);
    const r = herald(['audit', 'verify'], { HERALD_DB_PATH: db });
    expect(r.stdout).toBe('audit log BROKEN at row 4: expected row 3 next, found row 4 (rows missing)\n');
    expect(r.code).toBe(1);
  });

  it('export md is a timeline a reviewer can read: who drafted, who approved, what went out where, when', async () => {
    const db = await makeLog();
    const r = herald(['audit', 'export', '--format', 'md', '--draft', '1'], { HERALD_DB_PATH: db });
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md).toMatch(/^# herald audit log\n/);
    expect(md).toContain('Hash chain verified');
    expect(md).toContain('## Draft #1 — sev1/exploit-investigating');
    expect(md).toMatch(/\| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \| \d+ \| alice \| drafted sev1\/exploit-investigating \(revision 1\): “🚨 Acme Finance: we are investigating/);
    expect(md).toMatch(/\| bob \| approved revision 1 \(1 of 2\) \|/);
    expect(md).toMatch(/\| carol \| approved revision 1 \(2 of 2\) \|/);
    expect(md).toMatch(/\| carol \| broadcast started to discord-main, telegram-main, x \|/);
    expect(md).toMatch(/\| herald \| ✅ discord-main: delivered — https:\/\/discord\.test\/discord-main\/\d+ \|/);
    expect(md).toMatch(/\| herald \| ❌ telegram-main: FAILED, not retried — Telegram answered 403: bot was kicked from the channel chat \|/);
    expect(md).toMatch(/\| herald \| posted part 2 to x on X — /);
    // The refused approval is in the log too, outside the draft filter.
    const all = herald(['audit', 'export'], { HERALD_DB_PATH: db }).stdout;
    expect(all).toContain(`| mallory (discord:${USER.mallory}) | sent \`/approve #1\` on Discord |`);
    expect(all).toContain(`| discord:${USER.mallory} | was refused: /approve needs the approver role`);
  });

  it('export json and csv carry every row; --since in the future selects none; a bad --draft is one clear line', async () => {
    const db = await makeLog();
    const json = JSON.parse(herald(['audit', 'export', '--format', 'json'], { HERALD_DB_PATH: db }).stdout) as Array<{ seq: number; data: object }>;
    expect(json.map((r) => r.seq)).toEqual(json.map((_, i) => i + 1));
    expect(typeof json[0]!.data).toBe('object');
    const csv = herald(['audit', 'export', '--format', 'csv'], { HERALD_DB_PATH: db }).stdout.trim().split('\n');
    expect(csv[0]).toBe('seq,ts,type,actor,platform,chatId,draftId,summary,data,hash');
    expect(csv.length).toBeGreaterThan(json.length); // quoted multi-line fields add lines, never remove rows
    expect(JSON.parse(herald(['audit', 'export', '--format', 'json', '--since', '2999-01-01'], { HERALD_DB_PATH: db }).stdout)).toEqual([]);
    const bad = herald(['audit', 'export', '--draft', 'twelve'], { HERALD_DB_PATH: db });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("option '--draft <id>' argument 'twelve' is invalid. expected a draft id such as 12 or #12; herald --help lists the commands");
  });
});
