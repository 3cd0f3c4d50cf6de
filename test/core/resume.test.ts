import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db';
import { deliveries } from '../../src/store/schema';
import { verifyAudit } from '../../src/audit/verify';
import { DeliveryWorker } from '../../src/core/delivery/worker';
import { ROOT, tempDir, testConfig } from '../support/config';
import { freshPostgresUrl, onPostgres } from '../support/postgres';
import { testHerald } from '../support/herald';
import { retryable } from '../support/publisher';
import { until } from '../support/until';
import { EXPLOIT_VARS } from '../support/vars';

/** Runs the child until it prints `waitFor`; bounded by a timeout. */
function run(mode: string, db: string, log: string, waitFor: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/crash-child.ts', mode, db, log], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const reached = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`child ${mode} did not print ${waitFor}: ${err}`))), 50_000);
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
    const db = onPostgres() ? freshPostgresUrl() : join(dir, 'herald.db');
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
  }, 120_000); // Two child processes, each starting TypeScript through tsx: slow on a loaded machine.
});

describe('a restart during a backoff', () => {
  it('keeps the backoff: the resumed delivery is not posted before its notBefore, and is posted once it is due', async () => {
    const config = testConfig();
    // A 45-minute wait (the jitter is fixed at the middle): the first herald is stopped inside it.
    config.delivery.base_delay_ms = 3_600_000;
    config.delivery.max_delay_ms = 3_600_000;
    const first = testHerald(config);
    const discord = () => first.db.select().from(deliveries).where(eq(deliveries.targetId, 'discord-main')).get()!;
    first.pubs.discord.script('discord-main', { error: retryable() });
    first.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    first.chat.say('bob', '/approve #1');
    first.chat.say('carol', '/approve #1');
    await until(() => discord().attempts === 1, { what: 'the failed attempt' });
    const notBefore = Date.parse(discord().notBefore!);
    await first.close();

    // The restarted herald's worker, on a clock the test moves.
    const second = testHerald(config);
    let clock = () => notBefore - 30 * 60_000;
    const worker = new DeliveryWorker(second.herald.core, second.pubs, () => 0.5, () => clock());
    const postedAt: number[] = [];
    const send = second.pubs.discord.send.bind(second.pubs.discord);
    second.pubs.discord.send = (req) => (postedAt.push(clock()), send(req));
    try {
      worker.kick();
      await worker.idle();
      expect(second.pubs.discord.postsTo('discord-main')).toHaveLength(0);
      const waiting = second.db.select().from(deliveries).where(eq(deliveries.targetId, 'discord-main')).get()!;
      expect(waiting).toMatchObject({ status: 'pending', attempts: 1, notBefore: new Date(notBefore).toISOString() });
      expect(second.chat.say('bob', '/status #1').text).toContain(`⏳ discord-main (Discord) — Discord answered 500 Internal Server Error; retrying at ${new Date(notBefore).toISOString().slice(11, 19)} UTC`);

      // Due a moment from now: the worker wakes up by itself once the backoff is over.
      const offset = notBefore - 20 - Date.now();
      clock = () => Date.now() + offset;
      worker.kick();
      await until(() => second.pubs.discord.postsTo('discord-main').length === 1, { what: 'the resumed post' });
      await worker.idle();
      expect(postedAt.every((t) => t >= notBefore)).toBe(true);
      expect(second.db.select().from(deliveries).where(eq(deliveries.targetId, 'discord-main')).get()).toMatchObject({ status: 'sent', attempts: 2 });
    } finally {
      await worker.stop();
      await second.close();
    }
  });
});
