import { execFileSync, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { ROOT } from './config';

/** Runs the real `herald` binary as an operator would, with the test's environment. */
export function herald(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['bin/herald.mjs', ...args], {
    cwd: ROOT,
    env: { ...process.env, HERALD_CONFIG: 'test/fixtures/herald.yaml', HERALD_LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const hasSqliteCli = spawnSync('sqlite3', ['-version']).status === 0;

/**
 * Runs SQL against a database file from outside herald, the way an attacker with file access
 * would: with the sqlite3 command-line tool (CI installs it), or the same SQL through
 * better-sqlite3 where the tool is missing.
 */
export function outsideSql(dbPath: string, sql: string): void {
  if (hasSqliteCli) {
    execFileSync('sqlite3', [dbPath, sql]);
    return;
  }
  const db = new Database(dbPath);
  db.exec(sql);
  db.close();
}
