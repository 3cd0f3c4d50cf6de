import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Stage, SANDBOX_IDS } from '../e2e/support/stage';
import { spawnHerald } from '../e2e/support/herald-process';
import { ROOT, tempDir } from '../support/config';
import { LIVE_EXPLOIT_VARS } from '../support/vars';
import { get } from './scrape';

// Operating herald: every check before any login, and a start that survives a platform outage.

let stage: Stage | undefined;
afterEach(async () => {
  await stage?.close();
  stage = undefined;
});

/** The health server's address, from the line herald logs when it binds. */
async function opsUrl(s: Stage): Promise<string> {
  const line = await s.until(() => s.herald!.logs.find((l) => l.includes('health and metrics served')), 'the health server to be bound');
  return (JSON.parse(line) as { url: string }).url;
}

const readyz = async (url: string) => JSON.parse((await get(`${url}/readyz`)).body) as { ready: boolean; platforms: Record<string, { connected: boolean; reason?: string }> };

describe('herald start with a platform down', () => {
  it('Telegram unreachable at start: Discord and X work, /readyz says why, and the Telegram delivery goes out once Telegram is back', async () => {
    stage = await Stage.open({ delivery: { base_delay_ms: 50, max_delay_ms: 300 } });
    stage.world.env.HERALD_HTTP_PORT = '0';
    stage.world.telegram.setDown(true);
    await stage.start();
    const url = await opsUrl(stage);

    const down = await readyz(url);
    expect(down.ready).toBe(false);
    expect(down.platforms.discord).toEqual({ connected: true });
    expect(down.platforms.x).toEqual({ connected: true });
    expect(down.platforms.telegram!.connected).toBe(false);
    expect(down.platforms.telegram!.reason).toBe("herald could not reach Telegram for getMe (ECONNRESET); check the host's network and TELEGRAM_API_ROOT");
    // The comms channel on the platform that is up is told.
    await stage.until(
      () => stage!.world.discord.messages(SANDBOX_IDS.discordComms).find((m) => m.content.startsWith('⏳ herald cannot reach Telegram')),
      'the Discord comms channel to be told that Telegram is down',
    );

    const id = await stage.draft('discord', 'sev1/exploit-investigating', LIVE_EXPLOIT_VARS);
    await stage.approve('discord', 'bob', id);
    await stage.approve('discord', 'carol', id);
    await stage.until(() => stage!.delivery(id, 'discord-announcements')?.status === 'sent' && stage!.delivery(id, 'x')?.status === 'sent', 'Discord and X to be delivered');
    expect(stage.delivery(id, 'telegram-channel')!.status).toBe('pending');
    expect(stage.delivery(id, 'telegram-channel')!.attempts).toBe(0);

    stage.world.telegram.setDown(false);
    await stage.until(() => stage!.delivery(id, 'telegram-channel')?.status === 'sent', 'the waiting Telegram delivery to go out', 30_000);
    expect(stage.telegramPosts('USDC lending pool')).toHaveLength(1);
    expect(await readyz(url)).toMatchObject({ ready: true, platforms: { discord: { connected: true }, telegram: { connected: true }, x: { connected: true } } });

    // A clean stop logs nothing alarming: no warning or error after "stopping".
    expect(await stage.herald!.stop()).toBe(0);
    const logs = stage.herald!.logs;
    const after = logs.slice(logs.findIndex((l) => l.includes('"stopping: finishing deliveries in flight"')) + 1);
    expect(after.filter((l) => (JSON.parse(l) as { level: number }).level >= 40)).toEqual([]);
  });
});

describe('herald start checks everything before any login', () => {
  it('a broken template: one line, exit 1, and Discord saw no gateway login', async () => {
    stage = await Stage.open();
    const templates = join(tempDir(), 'templates');
    cpSync(join(ROOT, 'templates'), templates, { recursive: true });
    writeFileSync(join(templates, 'sev2/holding.hbs'), readBroken());
    const h = spawnHerald({ ...stage.world.env, HERALD_TEMPLATES_DIR: templates }, { dbPath: stage.dbPath });
    const { code } = await h.exited;
    const lines = h.logs.filter((l) => l.trim());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^herald: .*sev2\/holding\.hbs:\d+: /);
    expect(code).toBe(1);
    expect(stage.world.discord.stats.identifies).toBe(0);
    expect(stage.world.discord.requests.filter((r) => r.path.includes('/gateway'))).toEqual([]);
  });
});

/** A template whose Handlebars does not parse. */
function readBroken(): string {
  return '---\ntitle: Holding\n---\nWe are looking into {{#if affected}} it.\n';
}
