import type Database from 'better-sqlite3';

/** Enough for every query text herald makes; texts with values spelled out (IN lists) come and go. */
const MAX_STATEMENTS = 500;

/**
 * drizzle prepares a better-sqlite3 statement for every query it runs, and SQLite compiles each
 * one again: on an approval's path (dozens of small queries before the first post leaves) that
 * compilation was a tenth of the CPU. The same text gets the statement compiled the first time.
 * drizzle switches a statement to arrays (`raw()`) for the queries it maps itself and leaves it
 * so; a statement handed out again starts in objects, as a fresh one would.
 */
export function cacheStatements(client: Database.Database): void {
  const prepare = client.prepare.bind(client);
  const cache = new Map<string, Database.Statement>();
  client.prepare = ((source: string) => {
    let stmt = cache.get(source);
    // One still being iterated cannot run again until it is done: that caller gets its own.
    if (stmt?.busy) return prepare(source);
    if (stmt) {
      // The most recently used last: the first in the map is the one to drop.
      cache.delete(source);
      if (stmt.reader) stmt.raw(false);
    } else {
      stmt = prepare(source);
      if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, stmt);
    return stmt;
  }) as typeof client.prepare;
}
