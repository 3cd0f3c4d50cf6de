import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { Markup, Telegraf, TelegramError } from 'telegraf';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelegramEmulator, type TelegramEmulator, type Update } from '../src/telegram';

// The real telegraf 4.16 client against the loopback emulator, over HTTP.

const ALICE = 111;
const BOB = 222;
const COMMS = -1001000000001; // private comms supergroup
const GROUP = -4000000002; // basic group
const CHANNEL = -1002000000003; // announcement channel

let emu: TelegramEmulator;
let bot: Telegraf;
let launched: Promise<void> | undefined;

async function setup(extra: Parameters<typeof startTelegramEmulator>[0] = {}) {
  emu = await startTelegramEmulator({
    bot: { id: 7000000001, username: 'herald_test_bot', first_name: 'Herald' },
    users: [
      { id: ALICE, first_name: 'Alice', username: 'alice_comms' },
      { id: BOB, first_name: 'Bob' },
    ],
    chats: [
      { id: COMMS, type: 'supergroup', title: 'Comms', admins: [ALICE] },
      { id: GROUP, type: 'group', title: 'Old group' },
      { id: CHANNEL, type: 'channel', title: 'Announcements', username: 'proto_news' },
    ],
    ...extra,
  });
  bot = new Telegraf(emu.token, { telegram: { apiRoot: emu.apiRoot } });
}

/** bot.launch() resolves only when polling stops, so it is kept, not awaited. */
async function launchPolling() {
  launched = bot.launch();
  launched.catch(() => {});
  await emu.waitFor(() => emu.requestsFor('getUpdates').find((r) => r.params.timeout === 50 && !r.status));
}

afterEach(async () => {
  if (launched) {
    bot.stop('test over');
    await launched.catch(() => {});
    launched = undefined;
  }
  await emu?.close();
});

/** telegraf types `signal` as abort-controller's polyfill; node-fetch accepts the native one. */
type CallApiOptions = Parameters<Telegraf['telegram']['callApi']>[2];
const withTimeout = (ms: number) => ({ signal: AbortSignal.timeout(ms) }) as unknown as CallApiOptions;

async function rejection(promise: Promise<unknown>): Promise<TelegramError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TelegramError);
  return error as TelegramError;
}

describe('telegraf polling against the emulator', () => {
  it('launch calls getMe, deleteWebhook, then long-polls getUpdates', async () => {
    await setup();
    await launchPolling();
    expect(emu.requests.slice(0, 3).map((r) => r.method)).toEqual(['getMe', 'deleteWebhook', 'getUpdates']);
    expect(bot.botInfo?.username).toBe('herald_test_bot');
    expect(emu.requestsFor('getUpdates')[0]!.params).toMatchObject({ timeout: 50, offset: 0, allowed_updates: [] });
  });

  it('a /start from a user reaches bot.command and the reply lands in the chat', async () => {
    await setup();
    let seen: string | undefined;
    bot.command('start', async (ctx) => {
      seen = ctx.message.text;
      await ctx.reply(`Welcome, ${ctx.from.first_name}`);
    });
    await launchPolling();
    const update = emu.sendUserMessage({ from: ALICE, text: '/start now' });
    expect(update.message?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    const reply = await emu.waitForMessage(ALICE);
    expect(seen).toBe('/start now');
    expect(reply.text).toBe('Welcome, Alice');
    expect(reply.message_id).toBe(2); // the user's /start was message 1 of this private chat
  });

  it('a /command@otherbot in a group is not for this bot', async () => {
    await setup();
    const handled: string[] = [];
    bot.command('status', (ctx) => void handled.push(ctx.message.text));
    await launchPolling();
    emu.sendUserMessage({ chatId: COMMS, from: ALICE, text: '/status@some_other_bot' });
    emu.sendUserMessage({ chatId: COMMS, from: ALICE, text: '/status@herald_test_bot' });
    // Updates are handled in order, so once the second is handled the first was skipped.
    await emu.waitFor(() => handled.length === 1);
    expect(handled).toEqual(['/status@herald_test_bot']);
  });

  it('bot.stop() ends the long poll at once and confirms the handled updates', async () => {
    await setup();
    bot.command('start', (ctx) => ctx.reply('hi'));
    await launchPolling();
    const update = emu.sendUserMessage({ from: BOB, text: '/start' });
    await emu.waitForMessage(BOB);
    bot.stop('test');
    await launched;
    launched = undefined;
    // telegraf's long poll asks Telegram to hold it 50 s, longer than a test may run: that it has an
    // answer now, with nothing left in flight, shows stop() cut it short instead of waiting it out.
    expect(emu.requestsFor('getUpdates').filter((r) => r.status === undefined)).toEqual([]);
    // telegraf aborts the pending getUpdates, then confirms with offset = last update_id + 1.
    expect(emu.requests.at(-1)).toMatchObject({ method: 'getUpdates', params: { offset: update.update_id + 1, limit: 1 } });
    expect(emu.pendingUpdates).toBe(0);
  });

  it('an anonymous group admin arrives as GroupAnonymousBot with sender_chat', async () => {
    await setup();
    await launchPolling();
    const update = emu.sendUserMessage({ chatId: COMMS, from: 'anonymousAdmin', text: '/approve 12' });
    expect(update.message?.from).toMatchObject({ id: 1087968824, username: 'GroupAnonymousBot', is_bot: true });
    expect(update.message?.sender_chat).toMatchObject({ id: COMMS, type: 'supergroup' });
  });
});

describe('text as Telegram stores it', () => {
  it('entities are stored as sent, at UTF-16 offsets; any parse_mode is refused and stores nothing', async () => {
    await setup();
    // 🚨 is two UTF-16 code units, then a space: the bold word starts at 3.
    const sent = await bot.telegram.sendMessage(COMMS, '🚨 Exploit <b>not bold</b>', {
      entities: [{ type: 'bold', offset: 3, length: 7 }],
    });
    expect(sent.text).toBe('🚨 Exploit <b>not bold</b>');
    expect(sent.entities).toEqual([{ type: 'bold', offset: 3, length: 7 }]);
    expect(emu.messages(COMMS)[0]).toMatchObject({ text: sent.text, entities: sent.entities });
    // herald formats with entities only: markup sent by mistake must fail loudly, not pass unparsed.
    const html = await rejection(bot.telegram.sendMessage(COMMS, '<b>bold</b>', { parse_mode: 'HTML' }));
    expect(html.code).toBe(400);
    expect(html.description).toBe('Bad Request: the emulator does not parse parse_mode HTML; send the text with entities, as herald does');
    expect(emu.messages(COMMS)).toHaveLength(1);
  });

  it('4096 UTF-16 code units pass, 4097 are refused with Telegram\'s words', async () => {
    await setup();
    const tooLong = await rejection(bot.telegram.sendMessage(COMMS, 'a'.repeat(4097)));
    expect(tooLong.code).toBe(400);
    expect(tooLong.description).toBe('Bad Request: message is too long');
    await bot.telegram.sendMessage(COMMS, 'a'.repeat(4096));
    // Formatting does not count: 4096 characters in bold are fine.
    await bot.telegram.sendMessage(COMMS, 'b'.repeat(4096), { entities: [{ type: 'bold', offset: 0, length: 4096 }] });
    // An emoji outside the BMP counts twice.
    await bot.telegram.sendMessage(COMMS, '😀'.repeat(2048));
    const emoji = await rejection(bot.telegram.sendMessage(COMMS, '😀'.repeat(2048) + 'x'));
    expect(emoji.description).toBe('Bad Request: message is too long');
    expect(emu.messages(COMMS)).toHaveLength(3);
  });

  it('whitespace is trimmed, an empty text is refused, URLs and $cashtags are found', async () => {
    await setup();
    const sent = await bot.telegram.sendMessage(COMMS, '\n  Paused $ETH pools, see https://status.example.com.  \n');
    expect(sent.text).toBe('Paused $ETH pools, see https://status.example.com.');
    expect(sent.entities).toEqual([
      { type: 'cashtag', offset: 7, length: 4 },
      { type: 'url', offset: 23, length: 26 },
    ]);
    const empty = await rejection(bot.telegram.sendMessage(COMMS, ' \n '));
    expect(empty.description).toBe('Bad Request: message text is empty');
  });
});

describe('errors as telegraf surfaces them', () => {
  it('an injected 429 is a TelegramError with parameters.retry_after; the next call succeeds', async () => {
    await setup();
    emu.injectFault({ method: 'sendMessage', chatId: COMMS }, { kind: 'ratelimit', retryAfterSec: 7 });
    const error = await rejection(bot.telegram.sendMessage(COMMS, 'sev1'));
    expect(error.code).toBe(429);
    expect(error.description).toBe('Too Many Requests: retry after 7');
    expect(error.parameters?.retry_after).toBe(7);
    await bot.telegram.sendMessage(COMMS, 'sev1');
    expect(emu.messages(COMMS).map((m) => m.text)).toEqual(['sev1']);
  });

  it('kicked answers 403 with the text for the chat type', async () => {
    await setup();
    for (const [chat, kind] of [[COMMS, 'supergroup'], [GROUP, 'group'], [CHANNEL, 'channel']] as const) {
      emu.injectFault({ chatId: chat }, { kind: 'kicked' });
      const error = await rejection(bot.telegram.sendMessage(chat, 'x'));
      expect(error.code).toBe(403);
      expect(error.description).toBe(`Forbidden: bot was kicked from the ${kind} chat`);
    }
    // The same state reached by removing the bot, persistently.
    emu.setBotStatus({ chatId: CHANNEL, status: 'kicked' });
    const again = await rejection(bot.telegram.sendMessage('@proto_news', 'x'));
    expect(again.description).toBe('Forbidden: bot was kicked from the channel chat');
  });

  it('chat not found, not enough rights, migration and 5xx carry Telegram\'s bodies', async () => {
    await setup();
    const missing = await rejection(bot.telegram.sendMessage(-100999, 'x'));
    expect([missing.code, missing.description]).toEqual([400, 'Bad Request: chat not found']);

    emu.injectFault({ method: 'sendMessage' }, { kind: 'notEnoughRights' });
    const rights = await rejection(bot.telegram.sendMessage(COMMS, 'x'));
    expect(rights.description).toBe('Bad Request: not enough rights to send text messages to the chat');

    emu.injectFault({ chatId: GROUP }, { kind: 'migrated', toChatId: -1003000000004 });
    const moved = await rejection(bot.telegram.sendMessage(GROUP, 'x'));
    expect(moved.description).toBe('Bad Request: group chat was upgraded to a supergroup chat');
    expect(moved.parameters?.migrate_to_chat_id).toBe(-1003000000004);

    // telegraf reads the status line, not the body, for any 5xx.
    emu.injectFault({ method: 'sendMessage' }, { kind: 'status', status: 502 });
    const gateway = await rejection(bot.telegram.sendMessage(COMMS, 'x'));
    expect([gateway.code, gateway.description]).toEqual([502, 'Bad Gateway']);

    const unknown = await rejection(bot.telegram.callApi('sendTelepathy' as never, {} as never));
    expect([unknown.code, unknown.description]).toEqual([404, 'Not Found: method not found']);

    const wrongToken = new Telegraf('123456:not-the-token', { telegram: { apiRoot: emu.apiRoot } });
    const denied = await rejection(wrongToken.telegram.getMe());
    expect([denied.code, denied.description]).toEqual([401, 'Unauthorized']);
  });

  it('a send whose answer never comes has still landed; a signal bounds the wait', async () => {
    await setup();
    emu.injectFault({ method: 'sendMessage' }, { kind: 'timeoutAfterStore' });
    // telegraf's own timeout is 500 s; only an AbortSignal passed to callApi cuts it short.
    const outcome = await bot.telegram
      .callApi('sendMessage', { chat_id: COMMS, text: 'Funds are safe' }, withTimeout(300))
      .then(
        () => 'answered',
        (e: Error) => e.name,
      );
    expect(outcome).toBe('AbortError');
    // Abandoned by the signal: the emulator never sent an answer.
    expect(emu.requestsFor('sendMessage').map((r) => [r.fault, r.status])).toEqual([['timeoutAfterStore', undefined]]);
    expect(emu.messages(COMMS).map((m) => m.text)).toEqual(['Funds are safe']);
  });

  it('the token appears neither in recorded requests nor in a network error', async () => {
    await setup();
    await bot.telegram.getMe();
    await bot.telegram.sendMessage(COMMS, 'hello');
    const secret = emu.token.split(':')[1]!;
    expect(JSON.stringify(emu.requests)).not.toContain(secret);
    emu.setDown(true);
    const error = await bot.telegram.getMe().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe('FetchError');
    expect(`${error?.message} ${inspect(error)} ${JSON.stringify(error)}`).not.toContain(secret);
  });
});

describe('buttons, replays and webhooks', () => {
  it('a button press reaches bot.on("callback_query") and the answer is recorded once', async () => {
    await setup();
    bot.on('callback_query', async (ctx) => {
      await ctx.answerCbQuery('Approved');
    });
    await launchPolling();
    const preview = await bot.telegram.sendMessage(COMMS, 'Draft #12', Markup.inlineKeyboard([
      Markup.button.callback('Approve', 'approve:12'),
      Markup.button.callback('Reject', 'reject:12'),
    ]));
    const press = emu.pressButton({ chatId: COMMS, messageId: preview.message_id, from: ALICE, data: 'approve:12' });
    const answer = await emu.waitFor(() => emu.callbackAnswers[0]);
    expect(answer).toMatchObject({ callback_query_id: press.callback_query!.id, text: 'Approved', show_alert: false });
    const second = await rejection(bot.telegram.answerCbQuery(press.callback_query!.id, 'again'));
    expect(second.description).toBe('Bad Request: query is too old and response timeout expired or query ID is invalid');
    expect(() => emu.pressButton({ chatId: COMMS, messageId: preview.message_id, from: ALICE, data: 'nope' })).toThrow(/no button/);
  });

  it('redeliver() replays the same update_id and telegraf handles it again (no dedupe)', async () => {
    await setup();
    const seen: number[] = [];
    bot.command('approve', async (ctx) => {
      seen.push(ctx.update.update_id);
      await ctx.reply('approval recorded');
    });
    await launchPolling();
    const update: Update = emu.sendUserMessage({ chatId: COMMS, from: ALICE, text: '/approve 12' });
    await emu.waitFor(() => emu.messages(COMMS).length === 1);
    emu.redeliver(update);
    await emu.waitFor(() => emu.messages(COMMS).length === 2);
    expect(seen).toEqual([update.update_id, update.update_id]);
  });

  it('webhook: setWebhook with secret_token, updates are POSTed with the header', async () => {
    await setup({ webhook: { attempts: 2, retryDelayMs: 10 } });
    bot.command('status', (ctx) => ctx.reply('all clear'));
    bot.on('callback_query', (ctx) => ctx.answerCbQuery('ok'));
    const headers: Array<string | undefined> = [];
    const callback = bot.webhookCallback('/telegram', { secretToken: 'hook_Secret-1' });
    const server = http.createServer((req, res) => {
      headers.push(req.headers['x-telegram-bot-api-secret-token'] as string | undefined);
      void callback(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram`;
      await bot.telegram.setWebhook(url, { secret_token: 'hook_Secret-1' });
      expect(emu.webhook).toMatchObject({ url, secret_token: 'hook_Secret-1' });

      emu.sendUserMessage({ chatId: COMMS, from: ALICE, text: '/status' });
      const reply = await emu.waitForMessage(COMMS);
      expect(reply.text).toBe('all clear');
      expect(headers).toEqual(['hook_Secret-1']);

      // telegraf answers callback queries inside the webhook response; Telegram runs that call.
      const preview = await bot.telegram.sendMessage(COMMS, 'Draft', Markup.inlineKeyboard([Markup.button.callback('Go', 'go')]));
      emu.pressButton({ chatId: COMMS, messageId: preview.message_id, from: ALICE, data: 'go' });
      await emu.waitFor(() => emu.callbackAnswers.length === 1);
      expect(emu.requestsFor('answerCallbackQuery').map((r) => r.via)).toEqual(['webhookReply']);

      const polling = await rejection(bot.telegram.getUpdates(0, 100, 0, undefined));
      expect(polling.code).toBe(409);

      // A wrong secret: telegraf refuses with 403; delivery is retried, bounded, and reported.
      await bot.telegram.setWebhook(url, { secret_token: 'other' });
      emu.sendUserMessage({ chatId: COMMS, from: ALICE, text: '/status' });
      await emu.waitFor(() => emu.webhookFailures.length === 1);
      const info = await bot.telegram.getWebhookInfo();
      expect(info.last_error_message).toBe('Wrong response from the webhook: 403 Forbidden');
      expect(emu.messages(COMMS).filter((m) => m.text === 'all clear')).toHaveLength(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('message lifecycle and transports', () => {
  it('edit, not-modified, pin, delete behave as on Telegram', async () => {
    await setup();
    const keyboard = Markup.inlineKeyboard([Markup.button.callback('Approve', 'a')]);
    const sent = await bot.telegram.sendMessage(CHANNEL, 'Investigating', keyboard);
    expect(sent.sender_chat).toMatchObject({ id: CHANNEL, type: 'channel' });
    const edited = await bot.telegram.editMessageText(CHANNEL, sent.message_id, undefined, 'Resolved', keyboard);
    expect(edited).toMatchObject({ text: 'Resolved', reply_markup: keyboard.reply_markup });
    const same = await rejection(bot.telegram.editMessageText(CHANNEL, sent.message_id, undefined, 'Resolved', keyboard));
    expect(same.description).toMatch(/^Bad Request: message is not modified/);
    // Without reply_markup, Telegram drops the keyboard.
    await bot.telegram.editMessageText(CHANNEL, sent.message_id, undefined, 'Resolved');
    expect(emu.message(CHANNEL, sent.message_id)?.edited).toBe(true);
    expect(emu.message(CHANNEL, sent.message_id)?.reply_markup).toBeUndefined();

    await bot.telegram.pinChatMessage(CHANNEL, sent.message_id, { disable_notification: true });
    const chat = await bot.telegram.getChat(CHANNEL);
    expect((chat as { pinned_message?: { message_id: number } }).pinned_message?.message_id).toBe(sent.message_id);

    await bot.telegram.deleteMessage(CHANNEL, sent.message_id);
    expect(emu.messages(CHANNEL)[0]).toMatchObject({ deleted: true, pinned: false });
    const gone = await rejection(bot.telegram.deleteMessage(CHANNEL, sent.message_id));
    expect(gone.description).toBe('Bad Request: message to delete not found');
    const member = await rejection(
      bot.telegram.sendMessage(CHANNEL, 'x', { reply_parameters: { message_id: sent.message_id } }),
    );
    expect(member.description).toBe('Bad Request: message to be replied not found');
  });

  it('unpinChatMessage with an id unpins that message only; a deleted message is no longer pinned', async () => {
    await setup();
    const first = await bot.telegram.sendMessage(CHANNEL, 'Investigating');
    const second = await bot.telegram.sendMessage(CHANNEL, 'Funds update');
    await bot.telegram.pinChatMessage(CHANNEL, first.message_id);
    await bot.telegram.pinChatMessage(CHANNEL, second.message_id);
    const pinned = () => emu.messages(CHANNEL).filter((m) => m.pinned).map((m) => m.message_id);
    const shown = async () => ((await bot.telegram.getChat(CHANNEL)) as { pinned_message?: { message_id: number } }).pinned_message?.message_id;

    await bot.telegram.unpinChatMessage(CHANNEL, second.message_id);
    expect(pinned()).toEqual([first.message_id]);
    // The chat's pinned message falls back to the one pinned before.
    expect(await shown()).toBe(first.message_id);

    await bot.telegram.deleteMessage(CHANNEL, first.message_id);
    expect(pinned()).toEqual([]);
    expect(await shown()).toBeUndefined();
  });

  it('multipart (files) and form-encoded bodies are understood like JSON', async () => {
    await setup();
    await bot.telegram.sendDocument(COMMS, { source: Buffer.from('timeline'), filename: 'incident.md' }, { caption: 'Log', caption_entities: [{ type: 'bold', offset: 0, length: 3 }] });
    const [doc] = emu.messages(COMMS);
    expect(doc).toMatchObject({ text: 'Log', entities: [{ type: 'bold', offset: 0, length: 3 }], media: { type: 'document', file: { filename: 'incident.md', size: 8 } } });
    expect(emu.requestsFor('sendDocument')[0]!.contentType).toBe('multipart');

    const res = await fetch(`${emu.apiRoot}/bot${emu.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: String(COMMS), text: 'form', reply_markup: '{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; result: { text: string; reply_markup: unknown } };
    expect(body).toMatchObject({ ok: true, result: { text: 'form', reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } } });
  });

  it('commands are stored per scope; enforced limits answer 429 with retry_after', async () => {
    await setup({ enforceLimits: true });
    await bot.telegram.setMyCommands([{ command: 'draft', description: 'Start a draft' }], { scope: { type: 'chat', chat_id: COMMS } });
    expect(emu.myCommands({ type: 'chat', chat_id: COMMS })).toEqual([{ command: 'draft', description: 'Start a draft' }]);
    expect(await bot.telegram.getMyCommands()).toEqual([]);
    const bad = await rejection(bot.telegram.setMyCommands([{ command: 'Draft!', description: 'x' }]));
    expect(bad.description).toBe('Bad Request: BOT_COMMAND_INVALID');

    await bot.telegram.sendMessage(COMMS, 'part 1/2');
    const limited = await rejection(bot.telegram.sendMessage(COMMS, 'part 2/2'));
    expect(limited.code).toBe(429);
    expect(limited.parameters?.retry_after).toBe(1);
    await bot.telegram.sendMessage(GROUP, 'another chat is not limited');
  });

  it('getUpdates waits at most its timeout, and a second poller ends the first with 409', async () => {
    await setup();
    const started = Date.now();
    expect(await bot.telegram.getUpdates(1, 100, 0, undefined)).toEqual([]);
    const waiting = bot.telegram.callApi('getUpdates', { timeout: 1 });
    await emu.waitFor(() => emu.requestsFor('getUpdates').length === 2);
    const second = bot.telegram.callApi('getUpdates', { timeout: 1 });
    const conflict = await rejection(waiting);
    expect(conflict.code).toBe(409);
    expect(conflict.description).toBe('Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
    expect(await second).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    // Ended by Telegram at its timeout (the client's own bound is 500 s): an empty answer, nothing left waiting.
    expect(emu.requestsFor('getUpdates').at(-1)).toMatchObject({ params: { timeout: 1 }, status: 200, response: { ok: true, result: [] } });
    expect(emu.requestsFor('getUpdates').filter((r) => r.status === undefined)).toEqual([]);
  });
});
