import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';
import { PostgresClient } from './postgres/client';
import { packagePath } from '../util/package-root';
import { cacheStatements } from './statement-cache';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Code that writes may run inside a transaction or on the database itself. */
export type DbOrTx = Db | Tx;

export const MIGRATIONS_DIR = packagePath('migrations');
export const POSTGRES_MIGRATIONS_DIR = resolve(MIGRATIONS_DIR, 'postgres');

/** `HERALD_DATABASE_URL`'s form: the PostgreSQL engine instead of a SQLite file. */
export const isPostgresUrl = (location: string) => /^postgres(ql)?:\/\//iu.test(location);

export type Engine = 'sqlite' | 'postgres';
export const engineOf = (db: Db): Engine => ((db.$client as unknown) instanceof PostgresClient ? 'postgres' : 'sqlite');

/**
 * Opens (creating if needed) the database, makes commits durable and applies pending
 * migrations. WAL with synchronous=FULL: an acknowledged audit event survives a power loss.
 */
export function openDb(path: string, options: { migrate?: boolean } = {}): Db {
  if (isPostgresUrl(path)) return openPostgres(path, options);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  // A second herald process (or `herald audit verify`) may hold the write lock briefly.
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema }) as Db;
  if (options.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  // After the migrations: their statements run once.
  cacheStatements(sqlite);
  return db;
}

/**
 * The same drizzle database on PostgreSQL: drizzle's SQLite driver over ./postgres/client.ts,
 * so every query the core makes through ./schema.ts runs on either engine.
 */
function openPostgres(url: string, options: { migrate?: boolean }): Db {
  const client = new PostgresClient(url);
  try {
    if (options.migrate !== false) client.migrate(POSTGRES_MIGRATIONS_DIR);
  } catch (err) {
    client.close();
    throw err;
  }
  return drizzle(client as unknown as Database.Database, { schema }) as Db;
}

/**
 * What herald knows of each open write transaction: the database it runs on (so a hot path can
 * reuse statements prepared once on that connection), and `memo`, what the transaction's own
 * code remembers of what it wrote (the audit chain's head), forgotten when a savepoint rolls back.
 */
interface TxState {
  db: Db;
  memo: Map<unknown, unknown>;
  /** Writes put off to be made together (see deferWrite), by key. */
  deferred: Map<unknown, () => void>;
}
const txStates = new WeakMap<Tx, TxState>();
/** The write transaction open on each database, if one is. */
const openTx = new WeakMap<Db, TxState>();

/** The database `x` is, or the one its write transaction runs on; undefined for a transaction not opened by writeTx or savepoint. */
export const dbOf = (x: DbOrTx): Db | undefined => ('$client' in x ? x : txStates.get(x)?.db);

/** The open write transaction's memo (see TxState); undefined outside one. */
export const txMemo = (x: DbOrTx): Map<unknown, unknown> | undefined => ('$client' in x ? undefined : txStates.get(x)?.memo);

/**
 * Puts off a write to the end of the open write transaction, so that many of the same kind are
 * made by one statement (the audit rows of a group commit: one INSERT, on PostgreSQL one round
 * trip, instead of one each). `flush` runs once, before the transaction commits and before and
 * after each savepoint, so a savepoint still undoes exactly what was written inside it. Returns
 * false outside a transaction writeTx opened: the caller then writes at once.
 */
export function deferWrite(x: DbOrTx, key: unknown, flush: () => void): boolean {
  const state = '$client' in x ? undefined : txStates.get(x);
  if (!state) return false;
  if (!state.deferred.has(key)) state.deferred.set(key, flush);
  return true;
}

/**
 * Makes the open write transaction's put-off writes now: before a statement that must see them
 * (the audit head read again after an append deferWrite could not see).
 */
export function flushDeferred(x: DbOrTx): void {
  const db = dbOf(x);
  if (db) flush(openTx.get(db));
}

function flush(state: TxState | undefined): void {
  if (!state) return;
  while (state.deferred.size) {
    const flushes = [...state.deferred.values()];
    state.deferred.clear();
    for (const flush of flushes) flush();
  }
}

/**
 * What every write transaction on a database reuses: drizzle builds a transaction object, and
 * better-sqlite3 a transaction function, for each transaction it opens, which cost more than
 * SQLite's BEGIN and COMMIT of a group commit together. drizzle's top-level transaction object
 * holds nothing of its own transaction (its session, dialect and schema are the database's),
 * so one, taken from an empty transaction once, serves each transaction in turn.
 */
interface Reused {
  tx: Tx;
  immediate: (fn: () => unknown) => unknown;
}
const reused = new WeakMap<Db, Reused>();

function reusedOf(db: Db): Reused {
  let r = reused.get(db);
  if (r) return r;
  let tx: Tx | undefined;
  db.transaction((t) => {
    tx = t;
  });
  if (!tx) throw new Error('drizzle opened no transaction');
  // A savepoint drizzle opens itself (tx.transaction) must begin after the writes put off
  // before it, or undoing it would undo them too.
  const nested = tx.transaction.bind(tx);
  tx.transaction = (inner) => {
    flush(openTx.get(db));
    return nested(inner);
  };
  const run = db.$client.transaction((fn: () => unknown) => fn());
  reused.set(db, (r = { tx, immediate: run.immediate }));
  return r;
}

/** One write transaction, taken IMMEDIATE so two processes can never fork the audit chain. */
export function writeTx<T>(db: Db, fn: (tx: Tx) => T): T {
  const { tx, immediate } = reusedOf(db);
  // A write transaction opened inside another on the same database (a savepoint, to SQLite)
  // reads the head afresh: what the outer one put off must be in first.
  const outer = openTx.get(db);
  flush(outer);
  const state: TxState = { db, memo: new Map(), deferred: new Map() };
  txStates.set(tx, state);
  openTx.set(db, state);
  try {
    return immediate(() => {
      const result = fn(tx);
      flush(state);
      return result;
    }) as T;
  } finally {
    // The object outlives the transaction: used after it, it is no transaction writeTx knows.
    if (outer) {
      // What the inner one appended is not in the outer one's memory of the head: read it again.
      outer.memo.clear();
      openTx.set(db, outer);
      txStates.set(tx, outer);
    } else {
      openTx.delete(db);
      txStates.delete(tx);
    }
  }
}

/** A savepoint inside a write transaction: what `fn` wrote is undone if it throws, the rest of the transaction stays. */
export function savepoint<T>(tx: Tx, fn: (inner: Tx) => T): T {
  const state = txStates.get(tx);
  flush(state);
  try {
    return tx.transaction((inner) => {
      if (state) txStates.set(inner, state);
      try {
        const result = fn(inner);
        flush(state);
        return result;
      } finally {
        txStates.delete(inner);
      }
    });
  } catch (err) {
    state?.memo.clear();
    state?.deferred.clear();
    throw err;
  }
}

export { schema };
