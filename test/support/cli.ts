import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { ROOT } from './config';

/** Runs the real `herald` binary as an operator would, with the test's environment (and `input` on its stdin). */
export function herald(args: string[], env: Record<string, string>, input?: string) {
  const r = spawnSync(process.execPath, ['bin/herald.mjs', ...args], {
    cwd: ROOT,
    ...(input !== undefined ? { input } : {}),
    env: { ...process.env, HERALD_CONFIG: 'test/fixtures/herald.yaml', HERALD_LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs SQL against a database file from outside herald, the way an attacker with file access
 * would: a connection of its own, which may drop the append-only triggers before tampering.
 */
export function outsideSql(dbPath: string, sql: string): void {
  const db = new Database(dbPath);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}
