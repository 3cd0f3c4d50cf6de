import { hostname } from 'node:os';
import { createServer } from 'node:net';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load';
import { auditHead } from '../../src/audit/head';
import { deliveries } from '../../src/store/schema';
import { startOps, type Ops } from '../../src/ops';
import { HeraldMetrics } from '../../src/ops/metrics';
import { startOpsServer, type OpsServer } from '../../src/ops/http';
import type { PlatformState } from '../../src/ops/sources';
import { createLogger } from '../../src/util/log';
import { testConfig } from '../support/config';
import { testHerald } from '../support/herald';
import { EXPLOIT_VARS } from '../support/vars';
import { gate, permanent, rateLimited, retryable } from '../support/publisher';
import { until } from '../support/until';
import { get, parseMetrics } from './scrape';

const log = createLogger('silent');
const connected: PlatformState[] = [
  { platform: 'discord', connected: true },
  { platform: 'telegram', connected: true },
  { platform: 'x', connected: true },
];

let h: ReturnType<typeof testHerald> | undefined;
let ops: Ops | undefined;
let server: OpsServer | undefined;
afterEach(async () => {
  await ops?.close();
  await server?.close();
  await h?.close();
  h = ops = server = undefined;
});

function publishSev1() {
  h!.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
  h!.chat.say('bob', '/approve #1');
  h!.chat.say('carol', '/approve #1');
}

describe('health and metrics on HERALD_HTTP_PORT', () => {
  it('after a broadcast with one permanent failure, one retry and one 429, /metrics counts each by platform', async () => {
    h = testHerald(testConfig({ HERALD_HTTP_PORT: '0' }));
    ops = await startOps(h.config, h.herald, () => connected, log);
    expect(ops.server!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    h.pubs.telegram.script('telegram-main', { error: permanent() });
    h.pubs.discord.script('discord-main', { error: retryable() });
    h.pubs.x.script('x', { error: rateLimited(10) });
    publishSev1();
    await h.herald.worker.idle();

    const res = await get(`${ops.server!.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/plain');
    const m = parseMetrics(res.body);
    expect(m.get('herald_deliveries_total{platform="discord",outcome="sent"}')).toBe(1);
    expect(m.get('herald_deliveries_total{platform="x",outcome="sent"}')).toBe(1);
    expect(m.get('herald_deliveries_total{platform="telegram",outcome="failed"}')).toBe(1);
    expect(m.get('herald_deliveries_total{platform="telegram",outcome="sent"}')).toBeUndefined();
    expect(m.get('herald_delivery_retries_total{platform="discord"}')).toBe(1);
    expect(m.get('herald_delivery_retries_total{platform="x"}')).toBe(1);
    expect(m.get('herald_delivery_retries_total{platform="telegram"}')).toBeUndefined();
    expect(m.get('herald_delivery_rate_limited_total{platform="x"}')).toBe(1);
    expect(m.get('herald_delivery_rate_limited_total{platform="discord"}')).toBeUndefined();
    expect(m.get('herald_delivery_latency_seconds_count{platform="discord"}')).toBe(1);
    expect(m.get('herald_delivery_latency_seconds_count{platform="x"}')).toBe(1);
    expect(m.get('herald_delivery_latency_seconds_bucket{le="+Inf",platform="discord"}')).toBe(1);
    expect(m.get('herald_deliveries{platform="telegram",status="failed"}')).toBe(1);
    expect(m.get('herald_deliveries{platform="discord",status="sent"}')).toBe(1);
    expect(m.get('herald_oldest_pending_delivery_age_seconds')).toBe(0);
    expect(m.get('herald_audit_head_sequence')).toBe(auditHead(h.db));
    expect(auditHead(h.db)).toBeGreaterThan(10);
    expect(m.get('herald_platform_connected{platform="telegram"}')).toBe(1);
    expect(m.get('herald_process_resident_memory_bytes')).toBeGreaterThan(0);

    // /readyz: ready, and it counts the failed delivery.
    const ready = await get(`${ops.server!.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({
      ready: true,
      role: 'single',
      // This instance by its default name; no singleton runs without the composition root (test/core/failover.test.ts has them).
      instance: `${hostname()}-${process.pid}`,
      singletons: {},
      database: { writable: true },
      platforms: { discord: { connected: true }, telegram: { connected: true }, x: { connected: true } },
      deliveries: { pending: 0, failed: 1, oldestPendingAgeSeconds: null },
    });
    expect(await get(`${ops.server!.url}/healthz`)).toMatchObject({ status: 200, body: 'ok\n' });
    expect((await get(`${ops.server!.url}/nothing`)).status).toBe(404);
  });

  it('/readyz is 503 naming the platform that is down and why, with the pending delivery and its age by the clock', async () => {
    h = testHerald();
    const platforms: PlatformState[] = [
      { platform: 'discord', connected: true },
      { platform: 'telegram', connected: false, reason: 'Telegram could not be reached (ENOTFOUND api.telegram.org)' },
      { platform: 'x', connected: true },
    ];
    let now = 0;
    const sources = { db: h.db, platforms: () => platforms, role: () => 'single', now: () => now };
    server = await startOpsServer({ host: '127.0.0.1', port: 0, sources, metrics: new HeraldMetrics(sources) });
    const held = gate();
    h.pubs.telegram.script('telegram-main', { gate: held.promise });
    publishSev1();
    const withStatus = (status: string) => h!.db.select().from(deliveries).where(eq(deliveries.status, status)).all();
    await until(() => withStatus('sent').length === 2, { what: 'discord and x sent' });
    now = Date.parse(withStatus('pending')[0]!.createdAt) + 42_000;

    const r = await get(`${server.url}/readyz`);
    expect(r.status).toBe(503);
    const body = JSON.parse(r.body);
    expect(body.ready).toBe(false);
    expect(body.platforms.telegram).toEqual({ connected: false, reason: 'Telegram could not be reached (ENOTFOUND api.telegram.org)' });
    expect(body.platforms.discord).toEqual({ connected: true });
    expect(body.deliveries).toEqual({ pending: 1, failed: 0, oldestPendingAgeSeconds: 42 });
    const m = parseMetrics((await get(`${server.url}/metrics`)).body);
    expect(m.get('herald_oldest_pending_delivery_age_seconds')).toBe(42);
    expect(m.get('herald_platform_connected{platform="telegram"}')).toBe(0);
    expect(m.get('herald_deliveries{platform="telegram",status="pending"}')).toBe(1);

    // The platform comes back and the delivery lands: ready again.
    platforms[1] = { platform: 'telegram', connected: true };
    held.open();
    await h.herald.worker.idle();
    const after = await get(`${server.url}/readyz`);
    expect(after.status).toBe(200);
    expect(JSON.parse(after.body).deliveries).toEqual({ pending: 0, failed: 0, oldestPendingAgeSeconds: null });
  });

  it('/readyz is 503 while the database cannot take a write, and says why', async () => {
    h = testHerald();
    const sources = { db: h.db, platforms: () => connected, role: () => 'single' };
    server = await startOpsServer({ host: '127.0.0.1', port: 0, sources, metrics: new HeraldMetrics(sources) });
    // Another process holds the write lock.
    const other = new Database(h.config.paths.db);
    other.exec('BEGIN IMMEDIATE');
    try {
      const r = await get(`${server.url}/readyz`);
      expect(r.status).toBe(503);
      expect(JSON.parse(r.body).database).toEqual({ writable: false, reason: 'database is locked' });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await get(`${server.url}/readyz`)).status).toBe(200);
  });

  it('a port already taken stops herald with one line naming HERALD_HTTP_PORT', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      h = testHerald(testConfig({ HERALD_HTTP_PORT: String(port) }));
      const err = await startOps(h.config, h.herald, () => connected, log).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toBe(`HERALD_HTTP_PORT: port ${port} on 127.0.0.1 is in use by another process; choose another port or stop what holds it`);
    } finally {
      taken.close();
    }
  });
});
