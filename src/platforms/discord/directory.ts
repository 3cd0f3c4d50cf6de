import { Routes, type APIChannel, type Client } from 'discord.js';
import type { ChannelDirectory } from './publisher';

/** Channel names and servers from the gateway's cache, with a REST lookup for channels it does not hold. */
export class Directory implements ChannelDirectory {
  private readonly guilds = new Map<string, string>();

  constructor(private readonly client: Client) {}

  describe(channelId: string, targetId?: string): string {
    const channel = this.client.channels.cache.get(channelId);
    const name = channel && 'name' in channel && channel.name ? `#${channel.name}` : `channel ${channelId}`;
    return targetId ? `${name} (target ${targetId})` : name;
  }

  async guildOf(channelId: string): Promise<string | undefined> {
    const cached = this.client.channels.cache.get(channelId);
    if (cached && 'guildId' in cached && cached.guildId) return cached.guildId;
    const known = this.guilds.get(channelId);
    if (known) return known;
    const channel = (await this.client.rest.get(Routes.channel(channelId))) as APIChannel;
    const guildId = 'guild_id' in channel ? channel.guild_id : undefined;
    if (guildId) this.guilds.set(channelId, guildId);
    return guildId;
  }

  botUserId(): string | undefined {
    return this.client.user?.id;
  }
}
