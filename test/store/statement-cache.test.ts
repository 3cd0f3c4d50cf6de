import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { openDb, type Db } from '../../src/store/db';
import { incidents } from '../../src/store/schema';
import { tempDir } from '../support/config';

/**
 * SQLite keeps one compiled statement per query text (src/store/statement-cache.ts): what a
 * query returns must not depend on how the same text was used before.
 */
const open: Db[] = [];
const fresh = () => {
  const db = openDb(join(tempDir(), 'herald.db'));
  open.push(db);
  return db;
};
afterEach(() => {
  for (const db of open.splice(0)) db.$client.close();
});

describe('statements kept per query text', () => {
  it('the same text answers in rows as objects after drizzle read it as arrays, and the other way round', () => {
    const db = fresh();
    db.insert(incidents).values({ title: 'Swap outage', severity: 'sev2', status: 'open', openedAt: '2026-12-01T14:00:00.000Z', openedBy: 'alice' }).run();
    const text = 'SELECT id, title FROM incidents WHERE id = 1';
    // drizzle maps a typed query's rows itself, reading them as arrays (raw mode).
    expect(db.select({ id: incidents.id, title: incidents.title }).from(incidents).where(eq(incidents.id, 1)).get()).toEqual({ id: 1, title: 'Swap outage' });
    const typed = db.select({ id: incidents.id, title: incidents.title }).from(incidents).where(eq(incidents.id, 1)).toSQL().sql;
    // Raw text through the same statement: objects, as a freshly prepared one gives.
    expect(db.$client.prepare(typed).get(1)).toEqual({ id: 1, title: 'Swap outage' });
    expect(db.get(sql.raw(text))).toEqual({ id: 1, title: 'Swap outage' });
    expect(db.$client.prepare(text).raw(true).get()).toEqual([1, 'Swap outage']);
    expect(db.$client.prepare(text).get()).toEqual({ id: 1, title: 'Swap outage' });
  });

  it('a query runs while the same text is still being iterated', () => {
    const db = fresh();
    for (const title of ['one', 'two', 'three']) db.insert(incidents).values({ title, severity: 'sev3', status: 'open', openedAt: '2026-12-01T14:00:00.000Z', openedBy: 'alice' }).run();
    const text = 'SELECT title FROM incidents ORDER BY id';
    const seen: string[] = [];
    for (const row of db.$client.prepare(text).iterate() as IterableIterator<{ title: string }>) {
      seen.push(`${row.title}:${(db.$client.prepare(text).all() as unknown[]).length}`);
    }
    expect(seen).toEqual(['one:3', 'two:3', 'three:3']);
  });
});
