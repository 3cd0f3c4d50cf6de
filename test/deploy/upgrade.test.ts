import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../src/store/db';
import { herald } from '../support/cli';
import { ROOT, tempDir, testConfig } from '../support/config';
import { testHerald } from '../support/herald';
import { EXPLOIT_VARS } from '../support/vars';

interface Journal {
  entries: Array<{ tag: string }>;
}
const journal = () => JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as Journal;

/** A database as a herald from before `after` left it: only the migrations up to that one applied. */
function oldDatabase(path: string, after: string): void {
  const dir = join(tempDir(), 'migrations');
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const j = journal();
  const upTo = j.entries.findIndex((e) => e.tag === after);
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify({ ...j, entries: j.entries.slice(0, upTo + 1) }));
  const sqlite = new Database(path);
  migrate(drizzle(sqlite), { migrationsFolder: dir });
  sqlite.close();
}

const tables = (path: string) => {
  const sqlite = new Database(path, { readonly: true });
  try {
    return (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name);
  } finally {
    sqlite.close();
  }
};

describe("the README's upgrade steps", () => {
  it('say to back up first and that herald start applies the migrations before it connects', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('\n## Upgrade\n');
    const text = readme.slice(start, readme.indexOf('\n## ', start + 1));
    expect(text).toMatch(/^1\. Back up first/m);
    expect(text).toMatch(/herald start` then applies the pending database migrations/);
    expect(text).toMatch(/before it connects to any\s+platform/);
    for (const m of ['0006', '0007', '0008', '0009']) expect(text).toContain(`\`${m}\``);
  });

  it('followed: a database from before 0006 gets every later migration when herald starts, and works', async () => {
    const config = testConfig();
    oldDatabase(config.paths.db, '0005_incidents');
    expect(tables(config.paths.db)).not.toContain('statement_signatures');

    const t = testHerald(config);
    t.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    t.chat.say('bob', '/approve #1');
    t.chat.say('carol', '/approve #1');
    await t.herald.worker.idle();
    expect(t.pubs.telegram.postsTo('telegram-main')).toHaveLength(1);
    await t.close();
    t.db.$client.close();

    expect(tables(config.paths.db)).toEqual(expect.arrayContaining(['compromised_targets', 'statement_signatures', 'site_publications']));
    const applied = new Database(config.paths.db, { readonly: true });
    const count = (applied.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
    applied.close();
    expect(count).toBe(journal().entries.length);
    const verified = herald(['audit', 'verify'], { HERALD_DB_PATH: config.paths.db });
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  });
});
