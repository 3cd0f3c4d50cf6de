import { sql, type SQL } from 'drizzle-orm';
import { dbOf, type Db, type DbOrTx } from './db';

/**
 * drizzle builds a query's SQL, and SQLite prepares it, every time it runs: about 0.1 ms for a
 * select of a wide row on a 2-core machine, a hundred times what running the prepared
 * statement costs. Queries on the path from an approval to its first requests are built once
 * per database instead (values as `sql.placeholder`) and run inside whichever of its write
 * transactions asks: one connection, so the same statement sees that transaction's writes.
 * A savepoint's own transaction object is not known (dbOf): there the query is built as before.
 */
const cache = new WeakMap<Db, Map<object, unknown>>();

export function prepared<Q>(x: DbOrTx, build: (db: DbOrTx) => Q): Q {
  const db = dbOf(x);
  if (!db) return build(x);
  let queries = cache.get(db);
  if (!queries) cache.set(db, (queries = new Map()));
  let q = queries.get(build) as Q | undefined;
  if (!q) queries.set(build, (q = build(db)));
  return q;
}

/** A placeholder where drizzle's types take only a value or SQL (an UPDATE's SET): the same placeholder, wrapped. */
export const slot = (name: string): SQL => sql`${sql.placeholder(name)}`;

const HOT: Array<(db: DbOrTx) => unknown> = [];

/**
 * Marks a query of the approval's path, from the command to the first requests: warm() builds it
 * when herald opens its database. Built at the first approval after a start instead (the one an
 * incident waits on), they cost its transaction about 10 ms with 51 targets.
 */
export function hot<Q>(build: (db: DbOrTx) => Q): (db: DbOrTx) => Q {
  HOT.push(build);
  return build;
}

/** Builds every query marked hot() on `db` (its module loaded) ahead of its first use. */
export function warm(db: Db): void {
  for (const build of HOT) prepared(db, build);
}
