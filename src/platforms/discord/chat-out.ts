import { randomBytes } from 'node:crypto';
import { Routes, type APIMessage, type Client, type RESTPatchAPIChannelMessageJSONBody, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { Config } from '../../config/types';
import type { ChatPort, SentExtra, SentRecord } from '../../core/port';
import { DISCORD_LIMIT } from '../../core/render/discord';

const NO_MENTIONS = { parse: [] as [] };

/**
 * Messages herald writes in chats (replies, previews, notices), as plain channel messages: unlike
 * interaction responses they can still be edited after the interaction token's 15 minutes. Each
 * carries a nonce, so the client's own retry after a lost answer cannot post it twice.
 */
export class ChatOut {
  constructor(
    private readonly client: Client,
    private readonly config: Config,
    private readonly port: ChatPort,
  ) {}

  post(channelId: string, body: RESTPostAPIChannelMessageJSONBody): Promise<APIMessage> {
    const nonce = `h${randomBytes(8).toString('hex')}`;
    return this.client.rest.post(Routes.channelMessages(channelId), {
      body: { allowed_mentions: NO_MENTIONS, ...body, nonce, enforce_nonce: true },
    }) as Promise<APIMessage>;
  }

  edit(channelId: string, messageId: string, body: RESTPatchAPIChannelMessageJSONBody): Promise<APIMessage> {
    return this.client.rest.patch(Routes.channelMessage(channelId, messageId), { body: { allowed_mentions: NO_MENTIONS, ...body } }) as Promise<APIMessage>;
  }

  /** The bound on one request, for the sentence a timeout turns into. */
  get timeoutMs(): number {
    return this.config.delivery.request_timeout_ms;
  }

  record(sent: Omit<SentRecord, 'platform'>, extra?: SentExtra): void {
    void this.port.recordSent({ platform: 'discord', ...sent }, extra);
  }
}

const codePoints = (s: string) => [...s].length;

/** Splits a reply into messages Discord accepts: at line breaks where possible, never inside a character. */
export function splitText(text: string, limit = DISCORD_LIMIT): string[] {
  const out: string[] = [];
  let current = '';
  const push = () => {
    if (current.trim()) out.push(current.replace(/\n+$/, ''));
    current = '';
  };
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (codePoints(candidate) <= limit) {
      current = candidate;
      continue;
    }
    push();
    let rest = [...line];
    while (rest.length > limit) {
      out.push(rest.slice(0, limit).join(''));
      rest = rest.slice(limit);
    }
    current = rest.join('');
  }
  push();
  return out.length ? out : [''];
}

/** Plain text in a fenced block, split so every message stays within the limit. */
export function codeBlocks(label: string, text: string, limit = DISCORD_LIMIT): string[] {
  // A run of three backticks would end the fence early.
  const safe = text.replace(/```/g, '`\u200b``');
  const room = limit - codePoints(`${label} (continued)`) - 10;
  return splitText(safe, room).map((chunk, i) => `${i === 0 ? label : `${label} (continued)`}\n\`\`\`\n${chunk}\n\`\`\``);
}
