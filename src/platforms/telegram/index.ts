import { Telegraf } from 'telegraf';
import type { ChatPort } from '../../core/port';
import type { Logger } from '../../util/log';
import { redact } from '../../util/redact';
import { LinkSignal, type AdapterFactory, type PlatformAdapter } from '../types';
import { TelegramApi } from './api';
import { TelegramPublisher } from './publisher';
import { startReceiver, type Receiver } from './receiver';

export const DEFAULT_API_ROOT = 'https://api.telegram.org';

export interface TelegramAdapter extends PlatformAdapter {
  readonly platform: 'telegram';
  /** The bot's identity and webhook port once attached (tests and diagnostics). */
  readonly receiver: Receiver | undefined;
}

export interface TelegramAdapterOptions {
  /** Interface the webhook server binds to; an HTTPS reverse proxy on the host forwards to it. */
  webhookHost?: string;
}

/**
 * herald on Telegram, with telegraf. The publisher works on its own (the delivery worker uses
 * it); attach() also starts receiving commands and button presses and keeps previews current.
 */
export async function createTelegramAdapterWith(config: Parameters<AdapterFactory>[0], log: Logger, options: TelegramAdapterOptions = {}): Promise<TelegramAdapter> {
  const settings = config.telegram;
  if (!settings) throw new Error('TELEGRAM_BOT_TOKEN is not set, so the Telegram adapter cannot start');
  const stopping = new AbortController();
  const bot = new Telegraf(settings.token, {
    // Replies are always separate calls (never folded into a webhook answer), so each one is checked and logged.
    telegram: { apiRoot: settings.apiRoot ?? DEFAULT_API_ROOT, webhookReply: false },
    handlerTimeout: 10_000,
  });
  bot.catch((err, ctx) => {
    log.error({ err, update: ctx.update.update_id }, `a Telegram update could not be handled: ${redact(String((err as Error)?.message ?? err))}`);
  });
  const api = new TelegramApi(bot, config.delivery.request_timeout_ms, stopping.signal);
  const publisher = new TelegramPublisher(api, config.delivery, log);
  let receiver: Receiver | undefined;
  const link = new LinkSignal();
  return {
    platform: 'telegram',
    publisher,
    get receiver() {
      return receiver;
    },
    async attach(port: ChatPort, listening = true) {
      if (receiver) return;
      receiver = await startReceiver({ bot, api, port, config, log, stopping: stopping.signal, webhookHost: options.webhookHost ?? '127.0.0.1', link: (h) => link.set(h), listening });
    },
    async listen(on: boolean) {
      await receiver?.listen(on);
    },
    watchLink: link.watch,
    async stop() {
      await receiver?.stop();
      stopping.abort();
    },
  };
}

export const createTelegramAdapter: AdapterFactory = (config, log) => createTelegramAdapterWith(config, log);
