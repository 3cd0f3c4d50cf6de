import { Events } from 'discord.js';
import { LinkSignal, type AdapterFactory, type PlatformAdapter } from '../types';
import type { ChatPort } from '../../core/port';
import { registerSecret } from '../../util/redact';
import { DiscordBot } from './bot';
import { connect, createClient } from './client';
import { Directory } from './directory';
import { inviteUrl } from './links';
import { DiscordPublisher, publishingRest } from './publisher';
import { GlobalLimit } from './global-limit';

export interface DiscordAdapter extends PlatformAdapter {
  /** Resolves when no interaction or preview edit is in flight. */
  idle(): Promise<void>;
}

/**
 * Connects herald to Discord: logs the bot in (gateway + REST, through DISCORD_API_URL when
 * set), publishes statements, and once attached answers slash commands, buttons, forms and the
 * "Answer with FAQ" menu in the configured servers.
 */
export const createDiscordAdapter: AdapterFactory = async (config, log) => createDiscord(config, log);

export async function createDiscord(...[config, log]: Parameters<AdapterFactory>): Promise<DiscordAdapter> {
  const discord = config.discord;
  if (!discord) throw new Error('Discord is not configured: set DISCORD_TOKEN, DISCORD_APPLICATION_ID and DISCORD_GUILD_IDS');
  for (const s of config.secrets) registerSecret(s);
  const limit = new GlobalLimit();
  const client = createClient(config, limit);
  await connect(client, discord.token, log);
  const rest = publishingRest(config, limit);
  const directory = new Directory(client);
  const publisher = new DiscordPublisher(rest, directory, config.delivery, limit);
  let bot: DiscordBot | undefined;
  // Commands and buttons arrive over the gateway: while it is down herald hears nobody there.
  const link = new LinkSignal();
  client.on(Events.ShardReconnecting, () => link.set({ connected: false, reason: 'the Discord gateway connection dropped; discord.js is reconnecting' }));
  client.on(Events.ShardDisconnect, (event) => link.set({ connected: false, reason: `Discord closed the gateway connection (code ${event.code}) and it will not reconnect; restart herald once the cause is fixed` }));
  client.on(Events.ShardResume, () => link.set({ connected: true }));
  client.on(Events.ShardReady, () => link.set({ connected: true }));
  log.info({ bot: client.user?.tag, guilds: discord.guildIds, invite: inviteUrl(discord.applicationId) }, 'connected to Discord');

  return {
    platform: 'discord',
    publisher,
    async attach(port: ChatPort, listening = true) {
      bot = new DiscordBot(client, port, config, directory, log);
      bot.hearing = listening;
      await bot.start();
    },
    async listen(on: boolean) {
      if (bot) bot.hearing = on;
    },
    watchLink: link.watch,
    async idle() {
      await bot?.idle();
    },
    async stop() {
      await bot?.stop();
      // A clean stop is not an outage: the gateway closing now is not logged as a reconnect.
      client.removeAllListeners(Events.ShardDisconnect).removeAllListeners(Events.ShardReconnecting);
      await client.destroy();
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    },
  };
}
