import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { audited } from '../../support/audit';
import { WEB_APP_VARS } from '../../support/vars';
import { COMMS_ID, containing, CHANNEL_ID, ID, startWorld, type World } from './world';

// Webhook mode: Telegram POSTs updates to herald's own server, which takes only those that
// carry the registered secret token.

let w: World;
afterEach(async () => w?.close());

const SECRET = 'hook_Secret-0123456789';

async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

async function webhookWorld() {
  const port = await freePort();
  return startWorld({
    emulator: { webhook: { attempts: 2, retryDelayMs: 10 } },
    env: { TELEGRAM_WEBHOOK_URL: 'https://herald.acme.finance/telegram/hook', TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_WEBHOOK_PORT: String(port) },
    // The emulator delivers over plain HTTP on loopback; in production a TLS proxy sits in front.
    configure: (c) => void (c.telegram!.webhook!.url = `http://127.0.0.1:${port}/telegram/hook`),
  });
}

function post(port: number, path: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('webhook mode', () => {
  it('registers the webhook with its secret and runs commands and buttons that Telegram posts', async () => {
    w = await webhookWorld();
    expect(w.emu.webhook).toMatchObject({ url: w.config.telegram!.webhook!.url, secret_token: SECRET, max_connections: 1 });
    w.say('alice', `/draft sev2/degraded-service ${WEB_APP_VARS}`);
    await w.emu.waitFor(() => w.header(1)?.reply_markup);
    w.press('bob', 'approve', 1);
    await w.emu.waitFor(() => w.shown(CHANNEL_ID)[0]);
    // Answers are real calls that can fail and be logged, never folded into the webhook's HTTP answer.
    expect(w.emu.requestsFor('answerCallbackQuery').map((r) => [r.via, r.status])).toEqual([['http', 200]]);
    expect(w.emu.requestsFor('getUpdates')).toEqual([]);
    expect(w.emu.webhookFailures).toEqual([]);
  });

  it('a request without the right secret token is refused and runs nothing', async () => {
    w = await webhookWorld();
    const port = w.adapter.receiver!.webhookPort!;
    const update = { update_id: 1, message: { message_id: 99, date: 0, chat: { id: COMMS_ID, type: 'supergroup', title: 'x' }, from: { id: ID.alice, is_bot: false, first_name: 'Alice' }, text: '/whoami' } };
    expect(await post(port, '/telegram/hook', { 'x-telegram-bot-api-secret-token': 'guessed-secret-000000' }, JSON.stringify(update))).toBe(403);
    expect(await post(port, '/telegram/hook', {}, JSON.stringify(update))).toBe(403);
    expect(await post(port, '/elsewhere', { 'x-telegram-bot-api-secret-token': SECRET }, JSON.stringify(update))).toBe(404);
    expect(audited(w.herald.core.db, 'command.received')).toEqual([]);
    // The same update with the secret is taken.
    expect(await post(port, '/telegram/hook', { 'x-telegram-bot-api-secret-token': SECRET }, JSON.stringify(update))).toBe(200);
    await w.emu.waitFor(() => containing(w.shown(COMMS_ID), 'You are alice')[0]);
    expect(w.logs.join('')).not.toContain(SECRET);
  });
});
