import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { auditHead } from '../audit/head';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { engineOf, schema, type Db } from '../store/db';
import { openExistingDb } from './audit';
import { OperatorError } from './failure';

/**
 * `herald backup <file>`: SQLite's online backup API, so the copy is consistent while herald
 * keeps writing. It is written beside the target and renamed into place, so an interrupted
 * backup never leaves a half-written file under the name.
 */
export async function backup(file: string, options: { force?: boolean }): Promise<void> {
  const out = resolve(file);
  if (existsSync(out) && !options.force) throw new OperatorError(`${out} already exists; choose another file, or add --force to replace it`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new OperatorError(`${out} is a folder; name the file to write, such as ${join(out, 'herald-backup.db')}`);
  if (!existsSync(dirname(out))) throw new OperatorError(`${dirname(out)} does not exist; create the folder first or choose another file`);
  const db = openExistingDb();
  if (engineOf(db) === 'postgres') {
    db.$client.close();
    throw new OperatorError(`herald backup copies a SQLite file; on PostgreSQL use pg_dump --format=custom --file=${out} "$HERALD_DATABASE_URL" (README, Two instances)`);
  }
  const source = db.$client.name;
  if (resolve(source) === out) {
    db.$client.close();
    throw new OperatorError(`${out} is herald's database itself; name another file for the copy`);
  }
  let head = 0;
  const partial = join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
  try {
    // After the first step, the rest in one: with herald writing meanwhile, a step-by-step copy would start over.
    await db.$client.backup(partial, { progress: ({ totalPages }) => totalPages });
    const copy = drizzle(new Database(partial, { fileMustExist: true }), { schema }) as Db;
    const check = copy.$client.pragma('integrity_check', { simple: true });
    head = auditHead(copy);
    copy.$client.close();
    if (check !== 'ok') throw new OperatorError(`the copy failed SQLite's integrity check (${String(check)}); nothing was written to ${out}`);
    renameSync(partial, out);
  } catch (err) {
    rmSync(partial, { force: true });
    if (err instanceof OperatorError) throw err;
    throw new OperatorError(`the backup could not be written to ${out} (${(err as Error).message}); nothing was written there`);
  } finally {
    db.$client.close();
  }
  process.stdout.write(`backed up ${source} to ${out}: ${statSync(out).size} bytes, audit log up to row ${head}\n`);
}
