import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { appendAudit, rowHash } from '../../src/audit/append';
import { canonicalJson } from '../../src/util/canonical-json';
import { verifyAudit } from '../../src/audit/verify';
import { AuditWriter } from '../../src/audit/writer';
import { auditHeadRow } from '../../src/audit/head';
import { openDb, savepoint, writeTx, type Db } from '../../src/store/db';
import { tempDir } from '../support/config';
import { herald } from '../support/cli';
import { freshPostgresUrl } from '../support/postgres';

/**
 * The store's contract on both engines (the core's own tests run on both through the vitest
 * projects; these are the store's promises that no core test states on its own).
 */
const engines = {
  sqlite: () => join(tempDir(), 'herald.db'),
  postgres: () => freshPostgresUrl(),
} satisfies Record<string, () => string>;

const open: Db[] = [];
const opened = (location: string) => {
  const db = openDb(location);
  open.push(db);
  return db;
};
afterEach(() => {
  for (const db of open.splice(0)) db.$client.close();
});

type Column = { table: string; column: string; notNull: boolean };

function sqliteColumns(db: Db): Column[] {
  const tables = db.$client.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'`).all() as { name: string }[];
  return tables.flatMap(({ name }) =>
    (db.$client.prepare(`SELECT name, "notnull" AS nn, pk FROM pragma_table_info(?)`).all(name) as { name: string; nn: number; pk: number }[]).map((c) => ({
      table: name,
      column: c.name,
      notNull: c.nn === 1 || c.pk > 0,
    })),
  );
}

function postgresColumns(db: Db): Column[] {
  return (
    db.$client
      .prepare(`SELECT table_name AS "table", column_name AS "column", is_nullable AS nullable FROM information_schema.columns WHERE table_schema = current_schema()`)
      .all() as { table: string; column: string; nullable: string }[]
  ).map((c) => ({ table: c.table, column: c.column, notNull: c.nullable === 'NO' }));
}

const byName = (a: Column, b: Column) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`);

function append(db: Db, n: number, actor: string) {
  for (let i = 0; i < n; i++) writeTx(db, (tx) => appendAudit(tx, { type: 'test.event', actor, data: { i } }));
}

describe('one store, two engines', () => {
  it('both migrate to the same tables and columns, with the same NOT NULLs', () => {
    const sqlite = sqliteColumns(opened(engines.sqlite())).sort(byName);
    const postgres = postgresColumns(opened(engines.postgres())).sort(byName);
    expect(postgres).toEqual(sqlite);
    expect(sqlite.length).toBeGreaterThan(100);
  });

  it("an audit row's hash is SHA-256 over the previous hash and the row's canonical JSON (the format existing logs were written in)", () => {
    const row = { seq: 7, ts: '2026-12-01T14:00:00.000Z', type: 'draft.approved', actor: 'bob', platform: 'telegram', chatId: '-100', draftId: null, data: '{"a":1}' };
    const prev = 'ab'.repeat(32);
    expect(rowHash(prev, row)).toBe(createHash('sha256').update(`${prev}\n${canonicalJson(row)}`).digest('hex'));
  });

  it('on PostgreSQL every table with an id fills one left out, as SQLite does (a new table needs the trigger too)', () => {
    const db = opened(engines.postgres());
    const identity = db.$client.prepare(`SELECT table_name AS t FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'`).all() as { t: string }[];
    const triggered = new Set((db.$client.prepare(`SELECT event_object_table AS t FROM information_schema.triggers WHERE trigger_name LIKE '%\\_next\\_id' ESCAPE '\\'`).all() as { t: string }[]).map((r) => r.t));
    expect(identity.length).toBeGreaterThan(10);
    expect(identity.filter(({ t }) => !triggered.has(t))).toEqual([]);
  });

  for (const [engine, location] of Object.entries(engines)) {
    describe(engine, () => {
      it('keeps the audit log append-only: an update or a delete is refused and changes nothing', () => {
        const db = opened(location());
        append(db, 3, 'alice');
        expect(() => db.$client.exec(`UPDATE audit_events SET actor = 'mallory' WHERE seq = 2`)).toThrow(/append-only/);
        expect(() => db.$client.exec(`DELETE FROM audit_events WHERE seq = 2`)).toThrow(/append-only/);
        expect(verifyAudit(db)).toMatchObject({ ok: true, rows: 3 });
      });

      it('two connections (two instances) appending in turn make one linear chain', async () => {
        const where = location();
        const a = opened(where);
        const b = opened(where);
        // Interleaved across the two connections; each append reads the head in its own write transaction.
        for (let round = 0; round < 20; round++) {
          append(a, 2, 'instance-a');
          append(b, 3, 'instance-b');
        }
        const result = verifyAudit(a);
        expect(result).toMatchObject({ ok: true, rows: 100 });
        const seqs = (a.$client.prepare('SELECT seq FROM audit_events ORDER BY seq').all() as { seq: number }[]).map((r) => r.seq);
        expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      });

      it('appends sharing one transaction, with savepoints between them (one kept, one undone), make one linear chain', () => {
        const where = location();
        const a = opened(where);
        const b = opened(where);
        for (let round = 0; round < 5; round++) {
          // As core.audit's group commit does: several appends in one write transaction.
          writeTx(a, (tx) => {
            appendAudit(tx, { type: 'test.event', actor: 'instance-a', data: { round } });
            tx.transaction((inner) => appendAudit(inner, { type: 'test.kept', actor: 'instance-a' }));
            appendAudit(tx, { type: 'test.event', actor: 'instance-a', data: { round } });
            expect(() =>
              tx.transaction((inner) => {
                appendAudit(inner, { type: 'test.undone', actor: 'instance-a' });
                throw new Error('refused');
              }),
            ).toThrow('refused');
            appendAudit(tx, { type: 'test.event', actor: 'instance-a', data: { round } });
            // The same through savepoint(), which shares the transaction's memory of the head.
            savepoint(tx, (inner) => appendAudit(inner, { type: 'test.kept', actor: 'instance-a' }));
            expect(() =>
              savepoint(tx, (inner) => {
                appendAudit(inner, { type: 'test.event', actor: 'instance-a' });
                appendAudit(inner, { type: 'test.undone', actor: 'instance-a' });
                throw new Error('refused');
              }),
            ).toThrow('refused');
            appendAudit(tx, { type: 'test.event', actor: 'instance-a', data: { round } });
          });
          append(b, 2, 'instance-b');
        }
        expect(verifyAudit(a)).toMatchObject({ ok: true, rows: 40 });
        const types = (a.$client.prepare('SELECT type FROM audit_events ORDER BY seq').all() as { type: string }[]).map((r) => r.type);
        expect(types.filter((t) => t === 'test.kept')).toHaveLength(10);
        expect(types).not.toContain('test.undone');
      });

      it('a group commit larger than one INSERT carries, an append on the database and a write transaction inside a write transaction, keep one linear chain with every acknowledged event', async () => {
        const db = opened(location());
        const other = opened(location());
        const writer = new AuditWriter(db);
        // 150 producers' appends queued together: one transaction, rows inserted in several INSERTs.
        await Promise.all(Array.from({ length: 150 }, (_, i) => writer.append({ type: 'test.grouped', actor: 'herald', data: { i } })));
        writeTx(db, (tx) => {
          appendAudit(tx, { type: 'test.event', actor: 'instance-a' });
          appendAudit(db, { type: 'test.direct', actor: 'instance-a' });
          appendAudit(tx, { type: 'test.event', actor: 'instance-a' });
          expect(auditHeadRow(db).seq).toBe(153);
          // An append on another database in between: this transaction's rows put off still count.
          appendAudit(tx, { type: 'test.event', actor: 'instance-a' });
          appendAudit(other, { type: 'test.elsewhere', actor: 'instance-b' });
          appendAudit(tx, { type: 'test.event', actor: 'instance-a' });
          // A write transaction opened inside this one.
          writeTx(db, (inner) => appendAudit(inner, { type: 'test.inner', actor: 'instance-a' }));
          appendAudit(tx, { type: 'test.event', actor: 'instance-a' });
        });
        expect(verifyAudit(db)).toMatchObject({ ok: true, rows: 157 });
        const rows = db.$client.prepare('SELECT type, data FROM audit_events ORDER BY seq').all() as { type: string; data: string }[];
        const grouped = rows.filter((r) => r.type === 'test.grouped').map((r) => (JSON.parse(r.data) as { i: number }).i);
        expect(grouped.sort((x, y) => x - y)).toEqual(Array.from({ length: 150 }, (_, i) => i));
        expect(rows.slice(150).map((r) => r.type)).toEqual(['test.event', 'test.direct', 'test.event', 'test.event', 'test.event', 'test.inner', 'test.event']);
      });

      it('herald audit verify reads it, and names a row changed behind the triggers', () => {
        const where = location();
        const db = opened(where);
        append(db, 5, 'alice');
        const env: Record<string, string> = where.startsWith('postgres') ? { HERALD_DATABASE_URL: where } : { HERALD_DB_PATH: where };
        const ok = herald(['audit', 'verify'], env);
        expect(ok.stdout).toMatch(/^audit log OK: 5 rows, chain intact, last hash [0-9a-f]{64}\n$/);
        expect(ok.code).toBe(0);
        db.$client.exec(
          where.startsWith('postgres')
            ? `ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update; UPDATE audit_events SET actor = 'mallory' WHERE seq = 4`
            : `DROP TRIGGER audit_events_no_update; UPDATE audit_events SET actor = 'mallory' WHERE seq = 4`,
        );
        const broken = herald(['audit', 'verify'], env);
        expect(broken.stdout).toBe('audit log BROKEN at row 4: its content does not match its hash (the row was altered)\n');
        expect(broken.code).toBe(1);
      });
    });
  }

  it('a PostgreSQL URL nobody answers is one line naming the setting, and no password', () => {
    const r = herald(['audit', 'verify'], { HERALD_DATABASE_URL: 'postgres://herald:s3cret-pw@127.0.0.1:1/herald' });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^herald: HERALD_DATABASE_URL: /);
    expect(r.stderr).not.toContain('s3cret-pw');
    expect(r.code).toBe(4);
  });
});
