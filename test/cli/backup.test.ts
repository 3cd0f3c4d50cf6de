import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditHead } from '../../src/audit/head';
import { ROOT, tempDir } from '../support/config';
import { herald } from '../support/cli';
import { testHerald } from '../support/herald';
import { EXPLOIT_VARS } from '../support/vars';

/** The real binary, without blocking this process: herald here keeps writing while it runs. */
function heraldAsync(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/herald.mjs', ...args], { cwd: ROOT, env: { ...process.env, HERALD_CONFIG: 'test/fixtures/herald.yaml', HERALD_LOG_LEVEL: 'silent', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}

describe('herald backup', () => {
  it('copies the live database while herald writes, and the copy passes audit verify', async () => {
    const t = testHerald();
    t.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    const out = join(tempDir(), 'herald-backup.db');
    const before = auditHead(t.db);

    // herald keeps appending audit events (every message it sends is one) until the backup is done.
    let running = true;
    let writes = 0;
    const writer = (async () => {
      while (running) {
        await t.herald.core.audit.append({ type: 'message.sent', actor: 'herald', platform: 'discord', chatId: '500', data: { kind: 'reply', text: `busy ${writes}` } });
        writes++;
      }
    })();
    const r = await heraldAsync(['backup', out], { HERALD_DB_PATH: t.config.paths.db });
    running = false;
    await writer;
    await t.close();

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = /^backed up (\S+) to (\S+): \d+ bytes, audit log up to row (\d+)\n$/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect([m![1], m![2]]).toEqual([t.config.paths.db, out]);
    expect(writes).toBeGreaterThan(0);
    const copied = Number(m![3]);
    expect(copied).toBeGreaterThanOrEqual(before);
    expect(copied).toBeLessThanOrEqual(before + writes);

    const verified = herald(['audit', 'verify'], { HERALD_DB_PATH: out });
    expect(verified.stdout).toMatch(new RegExp(`^audit log OK: ${copied} rows, chain intact, last hash [0-9a-f]{64}\\n$`));
    expect(verified.code).toBe(0);
    // Only the copy is left: no partial file beside it.
    expect(readdirSync(join(out, '..')).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('refuses to replace an existing file without --force, or the database itself, with one line and exit 1; --force replaces it', async () => {
    const t = testHerald();
    t.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    await t.close();
    const out = join(tempDir(), 'taken.db');
    writeFileSync(out, 'yesterday');
    const refused = herald(['backup', out], { HERALD_DB_PATH: t.config.paths.db });
    expect(refused.stderr).toBe(`herald: ${out} already exists; choose another file, or add --force to replace it\n`);
    expect(refused.stdout).toBe('');
    expect(refused.code).toBe(1);
    const itself = herald(['backup', t.config.paths.db, '--force'], { HERALD_DB_PATH: t.config.paths.db });
    expect(itself.stderr).toBe(`herald: ${t.config.paths.db} is herald's database itself; name another file for the copy\n`);
    expect(itself.code).toBe(1);

    const forced = herald(['backup', out, '--force'], { HERALD_DB_PATH: t.config.paths.db });
    expect(forced.code).toBe(0);
    expect(herald(['audit', 'verify'], { HERALD_DB_PATH: out }).code).toBe(0);
  });

  it('an operator mistake is one line: no database, a missing folder, a file that is not a database', () => {
    const dir = tempDir();
    const missingDb = herald(['backup', join(dir, 'b.db')], { HERALD_DB_PATH: join(dir, 'nowhere.db') });
    expect(missingDb.stderr).toBe(`herald: HERALD_DB_PATH: ${join(dir, 'nowhere.db')} does not exist; run herald start first or point HERALD_DB_PATH at herald's database\n`);
    expect(missingDb.code).toBe(1);

    const noFolder = herald(['backup', join(dir, 'no', 'such', 'b.db')], { HERALD_DB_PATH: join(dir, 'nowhere.db') });
    expect(noFolder.stderr).toBe(`herald: ${join(dir, 'no', 'such')} does not exist; create the folder first or choose another file\n`);
    expect(noFolder.code).toBe(1);
    expect(existsSync(join(dir, 'no'))).toBe(false);

    const notDb = join(dir, 'notes.txt');
    writeFileSync(notDb, 'not a database at all, just some notes that are long enough to have a header');
    const bad = herald(['backup', join(dir, 'b.db')], { HERALD_DB_PATH: notDb });
    expect(bad.stderr).toBe(`herald: HERALD_DB_PATH: ${notDb} is not herald's database (file is not a database); point HERALD_DB_PATH at the file herald start uses\n`);
    expect(bad.code).toBe(4);
  });
});
