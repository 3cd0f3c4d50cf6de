import { PermissionFlagsBits } from 'discord.js';

/** How Discord links to a message in a server; the link works for everyone who can see the channel. */
export const messageLink = (guildId: string, channelId: string, messageId: string) => `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;

/**
 * What herald needs and nothing more: read and post where it is configured, ping @everyone
 * where a policy allows it, pin, and reply to a member's question (which needs the history).
 * Crossposting its own posts needs only Send Messages in the announcement channel.
 */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.MentionEveryone |
  PermissionFlagsBits.PinMessages;

/** The invite link an operator opens once to add the bot to a server, with its commands. */
export function inviteUrl(applicationId: string): string {
  return `https://discord.com/oauth2/authorize?client_id=${applicationId}&scope=bot+applications.commands&permissions=${BOT_PERMISSIONS.toString()}`;
}
