import { copyFileSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditHead } from '../../src/audit/head';
import { createKeyFile } from '../../src/trust/keys';
import { herald } from '../support/cli';
import { ROOT, tempDir, testConfig } from '../support/config';
import { testHerald } from '../support/herald';
import { EXPLOIT_VARS } from '../support/vars';

const section = (title: string) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${title}\n`);
  return readme.slice(start, readme.indexOf('\n## ', start + 1));
};

/** An hour on the core clock: herald checkpoints the audit head. */
async function checkpointed(t: ReturnType<typeof testHerald>) {
  t.clock.advance(3_600_000);
  await t.herald.trust.idle();
}

describe("the README's back up and restore steps", () => {
  it('name the signing key and the checkpoints file beside the database, and what verify --against says after a restore', () => {
    const text = section('Back up and restore');
    for (const name of ['HERALD_DB_PATH', 'HERALD_SIGNING_KEY_FILE', 'HERALD_CHECKPOINTS_FILE', '/data/keys/signing.key', '/data/checkpoints.jsonl', 'data/keys/signing.key', 'data/checkpoints.jsonl']) {
      expect(text, name).toContain(name);
    }
    expect(text).toMatch(/owner-only permissions/);
    expect(text).toMatch(/not a\s+repository/);
    expect(text).toMatch(/herald audit verify --against \S+/);
    expect(text).toMatch(/audit log CUT: … rows \d+–\d+ are missing/);
  });

  it('followed: the pre-restore checkpoints report the rows since the copy as CUT; the new file herald starts verifies', async () => {
    const config = testConfig();
    createKeyFile(config.paths.signingKey);
    const env = { HERALD_DB_PATH: config.paths.db, HERALD_SIGNING_KEY_FILE: config.paths.signingKey, HERALD_CHECKPOINTS_FILE: config.paths.checkpoints };
    const first = testHerald(config);
    first.herald.trust.start();
    first.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    await first.herald.trust.idle();
    const copy = join(tempDir(), 'herald.db');
    const backedUp = herald(['backup', copy], env);
    expect(backedUp.code, backedUp.stderr).toBe(0);
    const copied = Number(/audit log up to row (\d+)/.exec(backedUp.stdout)![1]);

    // After the copy herald goes on: a draft, approvals, a checkpoint of the longer log.
    first.chat.say('bob', '/approve #1');
    first.chat.say('carol', '/approve #1');
    await first.herald.worker.idle();
    await checkpointed(first);
    const lost = auditHead(first.db);
    expect(lost).toBeGreaterThan(copied);
    await first.close();
    first.db.$client.close();

    // Step 1: the copy in place of the database; step 2: the checkpoints moved aside, kept.
    for (const f of [config.paths.db, `${config.paths.db}-wal`, `${config.paths.db}-shm`]) rmSync(f, { force: true });
    copyFileSync(copy, config.paths.db);
    const aside = join(tempDir(), 'checkpoints.pre-restore.jsonl');
    renameSync(config.paths.checkpoints, aside);
    const cut = herald(['audit', 'verify', '--against', aside], env);
    expect(cut.code).toBe(1);
    expect(cut.stdout + cut.stderr).toContain(`but the log ends at row ${copied}: rows ${copied + 1}–${lost} are missing`);
    expect(cut.stdout + cut.stderr).toContain('audit log CUT: ');

    // Step 3: herald starts a new checkpoints file, which the restored log passes.
    const second = testHerald(config);
    second.herald.trust.start();
    await second.herald.trust.idle();
    expect(existsSync(config.paths.checkpoints)).toBe(true);
    await second.close();
    second.db.$client.close();
    const ok = herald(['audit', 'verify', '--against', config.paths.checkpoints], env);
    expect(ok.stdout).toMatch(/^audit log OK/m);
    expect(ok.code).toBe(0);
    // The old file, left where it was, would keep failing: that is why it is moved aside.
    expect(herald(['audit', 'verify', '--against', aside], env).code).toBe(1);
  });
});
