import { spawn, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { ROOT } from './config';

const cliEnv = (env: Record<string, string>) => ({ ...process.env, HERALD_CONFIG: 'test/fixtures/herald.yaml', HERALD_LOG_LEVEL: 'silent', ...env });

/** Runs the real `herald` binary as an operator would, with the test's environment (and `input` on its stdin). */
export function herald(args: string[], env: Record<string, string>, input?: string) {
  const r = spawnSync(process.execPath, ['bin/herald.mjs', ...args], {
    cwd: ROOT,
    ...(input !== undefined ? { input } : {}),
    env: cliEnv(env),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `herald` without blocking this process, for a command that talks to a server the test itself runs. */
export function heraldAsync(args: string[], env: Record<string, string>, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/herald.mjs', ...args], { cwd: ROOT, env: cliEnv(env), timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
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
