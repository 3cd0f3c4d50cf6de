import type { Telegraf } from 'telegraf';
import type { Update, UserFromGetMe } from 'telegraf/types';
import type { ChatPort } from '../../core/port';
import type { Config } from '../../config/types';
import { sleep } from '../../core/delivery/backoff';
import { HeraldError } from '../../core/errors';
import type { Logger } from '../../util/log';
import type { LinkHealth } from '../types';
import type { TelegramApi } from './api';
import { commandMenus } from './commands';
import { isTelegramError, toHeraldError } from './errors';
import type { BotIdentity } from './inbound';
import { Lanes } from './lanes';
import { Poller } from './poller';
import { telegramSurface } from './previews';
import { TelegramReplies } from './replies';
import { Router } from './router';
import { ChatSender } from './sender';
import { startWebhookServer, type WebhookServer } from './webhook';

/** The update types herald reads; anything else Telegram need not send. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'channel_post', 'edited_channel_post', 'callback_query', 'my_chat_member'] as const;

export interface ReceiverDeps {
  bot: Telegraf;
  api: TelegramApi;
  port: ChatPort;
  config: Config;
  log: Logger;
  stopping: AbortSignal;
  /** Where the webhook server listens; Telegram reaches it through the operator's HTTPS proxy. */
  webhookHost: string;
  /** Told how long polling fares after start (a webhook has no such signal: Telegram calls in). */
  link?: (health: LinkHealth) => void;
  /** false: do not long-poll yet, another instance holds telegram-polling (a webhook always receives). */
  listening?: boolean;
}

export interface Receiver {
  bot: BotIdentity;
  /** The webhook server's port (webhook mode). */
  webhookPort?: number;
  /** Starts or stops long polling (the telegram-polling lease won or lost); a webhook needs no singleton. */
  listen(on: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** Start-up calls are retried a few times on network errors and 5xx, never on a refusal. */
async function startupCall<T>(api: TelegramApi, method: string, payload: Record<string, unknown>, stopping: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.call<T>(method, payload);
    } catch (err) {
      const e = toHeraldError(err, { method, where: 'the bot', timeoutMs: api.requestTimeoutMs });
      const transient = !isTelegramError(err) || err.code >= 500 || err.code === 429;
      if (!transient || attempt >= 3 || stopping.aborted) throw new HeraldError(e.code, e.message, { retryable: false, ...(e.status !== undefined ? { status: e.status } : {}) });
      await sleep(e.retryAfterMs ?? 1000 * attempt, stopping);
    }
  }
}

/** Connects the bot to herald: identity, command menu, preview upkeep, then polling or the webhook. */
export async function startReceiver(deps: ReceiverDeps): Promise<Receiver> {
  const { bot, api, port, config, log, stopping } = deps;
  const me = await startupCall<UserFromGetMe>(api, 'getMe', {}, stopping);
  // telegraf matches /command@name against botInfo; set it here so launch-time getMe is never needed.
  bot.botInfo = me;
  const identity: BotIdentity = { id: me.id, username: me.username, ...(config.comms.telegram ? { commsChatId: config.comms.telegram } : {}) };

  const lanes = new Lanes(log);
  const sender = new ChatSender(api, port, config.delivery.max_wait_ms, stopping);
  const previews = port.previews(telegramSurface(api, sender, config.delivery.max_wait_ms, stopping), log);
  const replies = new TelegramReplies(config, api, sender, lanes, previews, identity, log);
  const router = new Router(port, replies, sender, lanes, identity, log);
  bot.use((ctx) => router.route(ctx.update));
  const handle = async (update: Update) => {
    await bot.handleUpdate(update);
  };

  for (const menu of commandMenus(config.comms.telegram)) {
    await api.call('setMyCommands', menu).catch((err: unknown) =>
      log.warn({ err: toHeraldError(err, { method: 'setMyCommands', where: 'the bot', timeoutMs: api.requestTimeoutMs }) }, 'could not set the Telegram command menu'),
    );
  }

  let poller: Poller | undefined;
  let server: WebhookServer | undefined;
  const webhook = config.telegram?.webhook;
  if (webhook) {
    server = await startWebhookServer({ path: new URL(webhook.url).pathname || '/', port: webhook.port, host: deps.webhookHost, secret: webhook.secret, handle, log });
    try {
      // One connection at a time keeps commands in the order they were sent.
      await startupCall(api, 'setWebhook', { url: webhook.url, secret_token: webhook.secret, allowed_updates: ALLOWED_UPDATES, max_connections: 1 }, stopping);
    } catch (err) {
      await server.close();
      previews.detach();
      throw err;
    }
    log.info({ port: server.port }, 'Telegram webhook registered');
  }
  // Telegram lets one client poll a bot at a time; a new poller starts from the first update not yet confirmed.
  const listen = async (on: boolean) => {
    if (webhook || stopping.aborted || on === !!poller) return;
    if (!on) {
      const stopped = poller!;
      poller = undefined;
      await stopped.stop();
      log.info('Telegram long polling stopped: another instance polls');
      return;
    }
    poller = new Poller(api, ALLOWED_UPDATES, handle, log, deps.link);
    poller.start();
    log.info('Telegram long polling started');
  };
  await listen(deps.listening !== false);

  return {
    bot: identity,
    ...(server ? { webhookPort: server.port } : {}),
    listen,
    async stop() {
      await poller?.stop();
      await server?.close();
      previews.detach();
      lanes.track(previews.idle());
      await lanes.idle(Math.min(10_000, config.delivery.request_timeout_ms * 2));
    },
  };
}
