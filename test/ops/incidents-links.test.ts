import { afterEach, describe, expect, it } from 'vitest';
import { startOps, type Ops } from '../../src/ops';
import type { PlatformState } from '../../src/ops/sources';
import { createLogger } from '../../src/util/log';
import { testConfig } from '../support/config';
import { startHerald, testHerald, type StartedHerald } from '../support/herald';
import { until } from '../support/until';
import { EXPLOIT_VARS } from '../support/vars';
import { get, parseMetrics } from './scrape';

const connected: PlatformState[] = [{ platform: 'discord', connected: true }];
const at = (hhmm: string) => Date.parse(`2026-06-01T${hhmm}:00.000Z`);

let h: ReturnType<typeof testHerald> | undefined;
let ops: Ops | undefined;
let started: StartedHerald | undefined;
afterEach(async () => {
  await ops?.close();
  await h?.close();
  await started?.close();
  h = ops = started = undefined;
});

describe('/metrics: open incidents and overdue promises', () => {
  it('counts the open incident, its promise once it is overdue, and neither once the incident is closed', async () => {
    h = testHerald(testConfig({ HERALD_HTTP_PORT: '0' }));
    ops = await startOps(h.config, h.herald, () => connected, createLogger('silent'));
    const scrape = async () => parseMetrics((await get(`${ops!.server!.url}/metrics`)).body);
    let m = await scrape();
    expect(m.get('herald_open_incidents')).toBe(0);
    expect(m.get('herald_overdue_promises')).toBe(0);

    // The statement promises the next update by 15:00 UTC.
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    h.chat.say('bob', '/approve #1');
    h.chat.say('carol', '/approve #1');
    await h.herald.worker.idle();
    h.chat.say('alice', '/incident open "Web app slow"');
    m = await scrape();
    expect(m.get('herald_open_incidents')).toBe(2);
    expect(m.get('herald_overdue_promises')).toBe(0);

    h.clock.set(at('15:01'));
    expect((await scrape()).get('herald_overdue_promises')).toBe(1);

    h.chat.say('alice', '/incident close 1');
    m = await scrape();
    expect(m.get('herald_open_incidents')).toBe(1);
    expect(m.get('herald_overdue_promises')).toBe(0);
  });
});

type Ready = { ready: boolean; platforms: Record<string, { connected: boolean; reason?: string }> };

describe('/readyz after start', () => {
  it('reports Telegram not connected, with the reason, while its polling fails, and ready again once it recovers', async () => {
    started = await startHerald({ platforms: ['telegram'], env: { HERALD_HTTP_PORT: '0' } });
    const url = started.app.ops!.server!.url;
    const readyz = async () => {
      const res = await get(`${url}/readyz`);
      return { status: res.status, body: JSON.parse(res.body) as Ready };
    };
    expect(await readyz()).toMatchObject({ status: 200, body: { ready: true, platforms: { telegram: { connected: true } } } });
    const emu = started.emus.telegram!;

    emu.setDown(true);
    const down = await until(async () => {
      const r = await readyz();
      return r.body.platforms.telegram?.connected === false && r;
    }, { what: '/readyz to report Telegram down' });
    expect(down.status).toBe(503);
    expect(down.body.ready).toBe(false);
    expect(down.body.platforms.telegram!.reason).toBe("herald could not reach Telegram for getUpdates (ECONNRESET); check the host's network and TELEGRAM_API_ROOT");
    expect((await parseMetrics((await get(`${url}/metrics`)).body)).get('herald_platform_connected{platform="telegram"}')).toBe(0);
    expect(started.logs.some((l) => l.includes('lost the connection to Telegram'))).toBe(true);

    emu.setDown(false);
    const up = await until(async () => {
      const r = await readyz();
      return r.body.ready && r;
    }, { what: '/readyz to report ready again' });
    expect(up).toEqual({ status: 200, body: expect.objectContaining({ ready: true, platforms: { telegram: { connected: true } } }) });
    expect(started.logs.some((l) => l.includes('connected to Telegram again'))).toBe(true);
  });

  it('reports Discord not connected while its gateway is away, ready again once it resumes; a close it cannot recover from stays reported', async () => {
    started = await startHerald({ platforms: ['discord'], env: { HERALD_HTTP_PORT: '0' } });
    const url = started.app.ops!.server!.url;
    const readyz = async () => JSON.parse((await get(`${url}/readyz`)).body) as Ready;
    expect((await readyz()).platforms.discord).toEqual({ connected: true });
    const emu = started.emus.discord!;
    const logged = (part: string) => until(() => started!.logs.find((l) => l.includes(part)), { what: `a log line with "${part}"` });

    emu.disconnectGateway();
    const lost = JSON.parse(await logged('lost the connection to Discord')) as { reason: string };
    expect(lost.reason).toBe('the Discord gateway connection dropped; discord.js is reconnecting');
    await logged('connected to Discord again');
    await emu.waitFor(() => emu.stats.resumes === 1);
    expect(await readyz()).toMatchObject({ ready: true, platforms: { discord: { connected: true } } });

    // 4004 (authentication failed) is a close discord.js does not come back from.
    emu.disconnectGateway(4004);
    const gone = await until(async () => {
      const r = await readyz();
      return r.platforms.discord?.connected === false && r;
    }, { what: '/readyz to report Discord down' });
    expect(gone.ready).toBe(false);
    expect(gone.platforms.discord!.reason).toBe('Discord closed the gateway connection (code 4004) and it will not reconnect; restart herald once the cause is fixed');
  });
});
