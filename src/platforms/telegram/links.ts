import type { Chat } from 'telegraf/types';

/**
 * A link to a message, as Telegram's own "Copy link" makes it: `t.me/<username>/<id>` for
 * public channels and groups, `t.me/c/<id without -100>/<id>` for private supergroups and
 * channels (members only). Basic groups have no message links.
 */
export function messageLink(chat: Pick<Chat, 'id'> & { username?: string }, messageId: number): string | undefined {
  if (chat.username) return `https://t.me/${chat.username}/${messageId}`;
  const id = String(chat.id);
  if (id.startsWith('-100')) return `https://t.me/c/${id.slice(4)}/${messageId}`;
  return undefined;
}
