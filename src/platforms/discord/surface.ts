import type { PreviewSurface } from '../../core/port';
import type { ChatOut } from './chat-out';
import { apiCode } from './errors';
import { messageLink } from './links';
import { headerMessage } from './preview';
import type { ChannelDirectory } from './publisher';

type Header = ReturnType<typeof headerMessage>;

/** What the core's preview keeper needs from Discord: a header's look, and editing, posting and linking messages. */
export function discordSurface(chat: ChatOut, channels: ChannelDirectory): PreviewSurface<Header> {
  return {
    platform: 'discord',
    render(face) {
      const body = headerMessage(face);
      return { text: body.content, body };
    },
    async edit(channelId, messageId, body) {
      try {
        await chat.edit(channelId, messageId, body);
        return 'edited';
      } catch (err) {
        // Someone deleted the preview (or its channel): nothing to keep current there.
        if (apiCode(err) === 10008 || apiCode(err) === 10003) return 'gone';
        throw err;
      }
    },
    async post(channelId, text) {
      return (await chat.post(channelId, { content: text })).id;
    },
    async link(channelId, messageId) {
      const guild = await channels.guildOf(channelId);
      return guild ? messageLink(guild, channelId, messageId) : undefined;
    },
  };
}
