import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REST } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { DiscordEmulator } from '@herald/emulators/discord';
import { GlobalLimit, sharedGlobalLimit } from '../../../src/platforms/discord/global-limit';
import { CH } from '../../support/cast';
import { discordWorld } from './setup';

/** Counts the writes and answers it is told of, as the real limit takes them. */
class Watched extends GlobalLimit {
  writes = 0;
  answers = 0;
  override wrote(request: object): void {
    this.writes++;
    super.wrote(request);
  }
  override answered(request: object): void {
    this.answers++;
    super.answered(request);
  }
}

describe('the shared Discord limit hears when discord.js writes a request', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('each counted request is reported as written once and answered once, and an interaction callback (exempt) not at all', async () => {
    const paths: string[] = [];
    server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
    const limit = new Watched();
    const rest = new REST({ api, retries: 0, ...sharedGlobalLimit(limit) }).setToken('not-a-real-token');

    await rest.get('/channels/1/messages/2');
    await rest.post('/channels/1/messages', { body: { content: 'hello' } });
    expect([limit.writes, limit.answers]).toEqual([2, 2]);
    await rest.post('/interactions/3/a-token/callback', { body: { type: 4 }, auth: false });
    expect(paths).toEqual(['/api/v10/channels/1/messages/2', '/api/v10/channels/1/messages', '/api/v10/interactions/3/a-token/callback']);
    expect([limit.writes, limit.answers]).toEqual([2, 2]);
  });
});

describe('the shared Discord limit against an emulator that enforces the global limit', () => {
  let emu: DiscordEmulator | undefined;
  afterEach(() => emu?.close());

  it('120 quick requests, whose windows end on their answers, all go through without a 429', async () => {
    emu = (await discordWorld({ emulator: { enforceLimits: true } })).emu;
    const limit = new Watched();
    const rest = new REST({ api: emu.restUrl, retries: 0, ...sharedGlobalLimit(limit) }).setToken(emu.token);
    // Four channels, so that no channel's own bucket (50 a second) is what holds a request back.
    const channels = [CH.comms, CH.news, CH.status, CH.lounge];
    await Promise.all(Array.from({ length: 120 }, (_, i) => rest.get(`/channels/${channels[i % 4]}`)));
    const counted = emu.requests.filter((r) => r.route === '/channels/:channel_id');
    expect(counted.map((r) => r.status)).toEqual(Array(120).fill(200));
    expect(emu.stats.status429).toBe(0);
    expect(limit.answers).toBe(120);
  });
});
