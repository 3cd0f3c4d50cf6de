import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db';
import { deliveries } from '../../src/store/schema';
import { verifyAudit } from '../../src/audit/verify';
import { ROOT, tempDir } from '../support/config';

/** Runs the child until it prints `waitFor`; bounded by a timeout. */
function run(mode: string, db: string, log: string, waitFor: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/crash-child.ts', mode, db, log], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const reached = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`child ${mode} did not print ${waitFor}: ${err}`))), 25_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes(waitFor)) (clearTimeout(timer), resolve());
    });
    child.on('exit', (code) => {
      if (!out.includes(waitFor)) (clearTimeout(timer), reject(new Error(`child ${mode} exited ${code}: ${err}`)));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, reached, exited };
}

describe('crash and resume', () => {
  it('a second process on the same database resumes the pending deliveries and sends each exactly once', async () => {
    const dir = tempDir();
    const db = join(dir, 'herald.db');
    const log = join(dir, 'posts.jsonl');

    const first = run('approve', db, log, 'ready');
    await first.reached;
    first.child.kill('SIGKILL'); // the crash: Discord and X were mid-request
    await first.exited;

    const second = run('resume', db, log, 'done');
    await second.reached;
    expect(await second.exited).toBe(0);

    const posts = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { pid: number; target: string; index: number; nonce: string });
    const byTarget = (t: string) => posts.filter((p) => p.target === t);
    // Telegram went out before the crash and is not sent again; Discord and X are sent by the second process.
    expect(byTarget('telegram-main').map((p) => p.pid)).toEqual([first.child.pid]);
    expect(byTarget('discord-main').map((p) => p.pid)).toEqual([second.child.pid]);
    const xPosts = byTarget('x');
    expect(xPosts.length).toBeGreaterThan(1);
    expect(xPosts.map((p) => p.index)).toEqual(xPosts.map((_, i) => i));
    expect(new Set(xPosts.map((p) => p.pid))).toEqual(new Set([second.child.pid]));

    const store = openDb(db);
    expect(store.select().from(deliveries).all().map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    expect(verifyAudit(store)).toMatchObject({ ok: true });
    store.$client.close();
  });
});
