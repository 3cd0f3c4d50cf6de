import { afterEach, describe, expect, it } from 'vitest';
import { ApiResponseError, TwitterApi } from 'twitter-api-v2';
import { Telegraf, TelegramError } from 'telegraf';
import { startTelegramEmulator, type TelegramEmulator } from '../src/telegram';
import { DEFAULT_X_CREDENTIALS, startXEmulator, type XEmulator } from '../src/x';
import { FaultQueue } from '../src/shared/faults';
import { Latency } from '../src/shared/latency';
// The client is pointed at the emulator the way herald's X adapter points it at X_API_URL.
import { xClientOptionsFor } from '../../../src/platforms/x/base-url-plugin';

// The pieces every emulator shares, seen through the emulators a test drives.

let x: XEmulator | undefined;
let telegram: TelegramEmulator | undefined;

afterEach(async () => {
  await x?.close();
  await telegram?.close();
  x = telegram = undefined;
});

describe('faults', () => {
  it('an armed fault answers exactly `times` matching requests, then the platform is itself again', async () => {
    x = await startXEmulator();
    const client = new TwitterApi({ ...DEFAULT_X_CREDENTIALS }, xClientOptionsFor(x.baseUrl, { timeoutMs: 2_000 }));
    x.injectFault({ method: 'POST', path: '/2/tweets' }, { kind: 'status', status: 503 }, 2);
    for (const text of ['one', 'two']) {
      const error = await client.v2.tweet(text).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiResponseError);
      expect((error as ApiResponseError).code).toBe(503);
    }
    await client.v2.tweet('three');
    expect(x.posts().map((p) => p.text)).toEqual(['three']);
    expect(x.requests.map((r) => [r.seq, r.fault, r.status])).toEqual([
      [1, 'status', 503],
      [2, 'status', 503],
      [3, undefined, 201],
    ]);
  });

  it('refuses a number of uses that is not a positive whole number, and clear() disarms everything', () => {
    const queue = new FaultQueue<{ path: string }, string>();
    expect(() => queue.add({ path: '/a' }, 'boom', 0)).toThrow('times must be a positive whole number or Infinity, not 0');
    expect(() => queue.add({ path: '/a' }, 'boom', 1.5)).toThrow(RangeError);
    queue.add({ path: '/a' }, 'always', Infinity);
    expect([1, 2, 3].map(() => queue.take((m) => m.path === '/a'))).toEqual(['always', 'always', 'always']);
    queue.clear();
    expect(queue.take(() => true)).toBeUndefined();
  });
});

describe('the recorder and waitFor', () => {
  it('records a request on arrival and settles it with its status on the response event', async () => {
    telegram = await startTelegramEmulator({ chats: [{ id: -1001, type: 'supergroup', title: 'Comms' }] });
    const seen: Array<[string, number | undefined]> = [];
    telegram.on('request', (r: { method: string; status?: number }) => seen.push([`request ${r.method}`, r.status]));
    telegram.on('response', (r: { method: string; status?: number }) => seen.push([`response ${r.method}`, r.status]));
    const bot = new Telegraf(telegram.token, { telegram: { apiRoot: telegram.apiRoot } });
    await bot.telegram.sendMessage(-1001, 'hello');
    expect(seen).toEqual([
      ['request sendMessage', undefined],
      ['response sendMessage', 200],
    ]);
  });

  it('says on timeout what it waited for and which requests came', async () => {
    telegram = await startTelegramEmulator({ chats: [{ id: -1001, type: 'supergroup', title: 'Comms' }] });
    const bot = new Telegraf(telegram.token, { telegram: { apiRoot: telegram.apiRoot } });
    const error = await bot.telegram.sendMessage(-1001, 'x', { parse_mode: 'HTML' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelegramError);
    const emu = telegram;
    const waited = await emu.waitFor(() => emu.messages(-1001).length > 0, 100).catch((e: unknown) => e);
    expect((waited as Error).message).toBe(
      'telegram emulator: waitFor(() => emu.messages(-1001).length > 0) was not met within 100 ms; ' +
        'the last 1 of 1 requests: sendMessage → 400',
    );
  });

  it('names the condition as the test wrote it, even where the emulator hands itself to the check', async () => {
    x = await startXEmulator();
    const waited = await x.waitFor((e) => e.posts().length > 0, 50).catch((e: unknown) => e);
    expect((waited as Error).message).toBe(
      'x emulator: waitFor((e) => e.posts().length > 0) was not met within 50 ms; no requests arrived',
    );
  });

  it('rejects at once with the error a check throws', async () => {
    x = await startXEmulator();
    await expect(
      x.waitFor(() => {
        throw new Error('the check itself is wrong');
      }),
    ).rejects.toThrow('the check itself is wrong');
  });
});

describe('down', () => {
  it('resets every connection while down and answers again once back up', async () => {
    telegram = await startTelegramEmulator();
    const bot = new Telegraf(telegram.token, { telegram: { apiRoot: telegram.apiRoot } });
    telegram.setDown(true);
    await expect(bot.telegram.getMe()).rejects.toMatchObject({ code: 'ECONNRESET' });
    telegram.setDown(false);
    expect((await bot.telegram.getMe()).is_bot).toBe(true);
  });
});

describe('latency', () => {
  // Settled or not once the loop has run what was ready: a wait that sleeps is still pending then.
  const settledAfterATurn = async (p: Promise<void>) => {
    let settled = false;
    void p.then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    return settled;
  };

  it('counts the round trip from when the request arrived: work before the wait is part of it', async () => {
    const latency = new Latency(200);
    expect(await settledAfterATurn(latency.wait(performance.now() - 250))).toBe(true);
    expect(await settledAfterATurn(latency.wait(performance.now() - 50))).toBe(false);
    expect(await settledAfterATurn(latency.wait())).toBe(false);
  });
});
