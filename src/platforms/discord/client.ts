import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { Config } from '../../config/types';
import { HeraldError } from '../../core/errors';
import { redact } from '../../util/redact';
import type { Logger } from '../../util/log';
import { sharedGlobalLimit, type GlobalLimit } from './global-limit';

const READY_WITHIN_MS = 30_000;


/**
 * The gateway client. Only the Guilds intent: interactions carry the member and its roles, so
 * herald needs no privileged intent and never reads message content. Every send through it
 * pings no one unless a call says otherwise.
 */
export function createClient(config: Config, limit: GlobalLimit): Client {
  const discord = config.discord!;
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    rest: {
      ...(discord.apiUrl ? { api: discord.apiUrl } : {}),
      timeout: config.delivery.request_timeout_ms,
      // Chat replies have no worker behind them; one retry, with the same nonce, is enough.
      retries: 1,
      // The bot's 50 requests a second, shared with the publishing client (see GlobalLimit).
      ...sharedGlobalLimit(limit),
    },
  });
}

/** Logs in and waits for READY, bounded; the gateway reconnects and resumes by itself after that. */
export async function connect(client: Client, token: string, log: Logger): Promise<void> {
  client.on(Events.Error, (e) => log.error({ err: e }, 'discord client error'));
  client.on(Events.Warn, (m) => log.warn(redact(m)));
  client.on(Events.ShardDisconnect, (event, shard) => log.warn({ shard, code: event.code }, 'discord gateway disconnected; reconnecting'));
  client.on(Events.ShardReconnecting, (shard) => log.info({ shard }, 'discord gateway reconnecting'));
  client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'discord gateway resumed'));
  client.on(Events.ShardError, (e, shard) => log.warn({ err: e, shard }, 'discord gateway error'));

  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Discord did not become ready within ${READY_WITHIN_MS / 1000} s; check DISCORD_API_URL and the network`)), READY_WITHIN_MS);
  });
  try {
    await Promise.race([client.login(token).then(() => ready), late]);
  } catch (error) {
    await client.destroy();
    const message = redact(String((error as Error)?.message ?? error));
    if (/token/i.test(message)) {
      throw new HeraldError('platform_rejected', `Discord refused DISCORD_TOKEN (${message}); copy the bot token again from the Developer Portal (Bot → Reset Token)`, { status: 401, retryable: false });
    }
    throw new HeraldError('network', `Discord login failed: ${message}`);
  } finally {
    clearTimeout(timer);
  }
}
