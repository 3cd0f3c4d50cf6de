import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REST } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { GlobalLimit, sharedGlobalLimit } from '../../../src/platforms/discord/global-limit';

/** Counts the writes it is told of, as the real limit takes them. */
class Watched extends GlobalLimit {
  writes = 0;
  override wrote(): void {
    this.writes++;
    super.wrote();
  }
}

describe('the shared Discord limit hears when discord.js writes a request', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('each counted request is reported as written once, and an interaction callback (exempt) not at all', async () => {
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
    expect(limit.writes).toBe(2);
    await rest.post('/interactions/3/a-token/callback', { body: { type: 4 }, auth: false });
    expect(paths).toEqual(['/api/v10/channels/1/messages/2', '/api/v10/channels/1/messages', '/api/v10/interactions/3/a-token/callback']);
    expect(limit.writes).toBe(2);
  });
});
