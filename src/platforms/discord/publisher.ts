import { AllowedMentionsTypes, REST, Routes, type RESTPostAPIChannelMessageJSONBody, type APIMessage } from 'discord.js';
import type { Config, Target } from '../../config/types';
import { contentText, limitMs, type Finished, type PartContent, type Publisher, type SendRequest, type SentMessage } from '../../core/delivery/publisher';
import { formatWait } from '../../core/delivery/backoff';
import { HeraldError } from '../../core/errors';
import { DISCORD_LIMIT } from '../../core/render/discord';
import { DISCORD_GLOBAL_PER_SECOND, sharedGlobalLimit, type GlobalLimit } from './global-limit';
import { apiCode, toHeraldError, type Operation } from './errors';
import { messageLink } from './links';

const EVERYONE_PREFIX = '@everyone\n';
/** Sent on its own before the first part when the prefix would push that part past 2,000 characters. */
export const PING_ONLY = '@everyone';
const NO_MENTIONS = { parse: [] as [] };
const EVERYONE = { parse: [AllowedMentionsTypes.Everyone] };

const codePoints = (s: string) => [...s].length;

export interface ChannelDirectory {
  /** `#announcements (target discord-main)`, from the gateway's cache where it has the channel. */
  describe(channelId: string, targetId?: string): string;
  /** The server a channel belongs to, for message links. */
  guildOf(channelId: string): Promise<string | undefined>;
  botUserId(): string | undefined;
}

/**
 * Waits discord.js may sleep through itself must end well inside the request timeout; anything
 * longer comes back as a RateLimitError, and the worker waits or fails the step against
 * `max_wait_ms`, so one channel's limit never holds a request open.
 */
export function rateLimitThresholdMs(delivery: Config['delivery']): number {
  return Math.min(delivery.max_wait_ms, Math.floor(delivery.request_timeout_ms / 2));
}

/** The REST client the worker publishes through: no retries of its own (the worker retries, with backoff and an audit row per attempt). */
export function publishingRest(config: Config, limit: GlobalLimit): REST {
  const discord = config.discord!;
  const threshold = rateLimitThresholdMs(config.delivery);
  return new REST({
    ...(discord.apiUrl ? { api: discord.apiUrl } : {}),
    timeout: config.delivery.request_timeout_ms,
    retries: 0,
    rejectOnRateLimit: (data) => Math.max(data.retryAfter, data.sublimitTimeout) > threshold,
    // The bot's global limit, shared with the chat client (see GlobalLimit).
    ...sharedGlobalLimit(limit),
  }).setToken(discord.token);
}

/** Posts statements to the configured channels with discord.js's REST client. */
export class DiscordPublisher implements Publisher {
  readonly platform = 'discord' as const;
  readonly editsInPlace = true;

  constructor(
    private readonly rest: REST,
    private readonly channels: ChannelDirectory,
    private readonly delivery: Config['delivery'],
    private readonly limit?: GlobalLimit,
  ) {}

  expect(deliveryIds: readonly number[]): void {
    this.limit?.expect(deliveryIds.map(String));
  }

  /** A statement's post, its crosspost and its pin in each channel, 50 requests a second (an estimate: it only orders the starts). */
  leastMs(deliveries: number): number {
    return limitMs(deliveries * 3, DISCORD_GLOBAL_PER_SECOND);
  }

  private channelOf(target: Target): string {
    if (target.platform !== 'discord') throw new HeraldError('invalid_input', `target ${target.id} is not a Discord target`, { retryable: false });
    return target.channel;
  }

  private async call<T>(op: Operation, target: Target, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const where = this.channels.describe(this.channelOf(target), target.id);
      throw toHeraldError(error, { op, where, timeoutMs: this.delivery.request_timeout_ms });
    }
  }

  async send(req: SendRequest): Promise<SentMessage> {
    const channelId = this.channelOf(req.target);
    this.limit?.posting(String(req.deliveryId));
    const text = contentText(req.content);
    const ping = req.policy.pingEveryone && req.index === 0;
    let content = text;
    if (ping) {
      if (codePoints(EVERYONE_PREFIX + text) <= DISCORD_LIMIT) content = EVERYONE_PREFIX + text;
      // The approved parts are not re-split (approvals are bound to them): the ping goes first, on its own, with its own fixed nonce.
      else await this.post(req.target, channelId, { content: PING_ONLY, nonce: `${req.nonce}p`, enforce_nonce: true, allowed_mentions: EVERYONE });
    }
    // Discord honours a nonce for a few minutes only; after a longer outage, look for the post itself.
    const landed = req.outcomeUnknown ? await this.findOwn(channelId, content) : undefined;
    if (landed) return this.sent(channelId, landed);
    const body: RESTPostAPIChannelMessageJSONBody = {
      content,
      nonce: req.nonce,
      enforce_nonce: true,
      allowed_mentions: ping && content !== text ? EVERYONE : NO_MENTIONS,
    };
    const message = await this.post(req.target, channelId, body);
    return this.sent(channelId, message.id);
  }

  /** herald's own recent message with exactly this text, if any (best effort: a failed look-up just means post). */
  private async findOwn(channelId: string, content: string): Promise<string | undefined> {
    try {
      const recent = (await this.rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ limit: '50' }) })) as APIMessage[];
      return recent.find((m) => m.author.id === this.channels.botUserId() && m.content === content)?.id;
    } catch {
      return undefined;
    }
  }

  private post(target: Target, channelId: string, body: RESTPostAPIChannelMessageJSONBody): Promise<APIMessage> {
    return this.call('send', target, () => this.rest.post(Routes.channelMessages(channelId), { body }) as Promise<APIMessage>);
  }

  private async sent(channelId: string, messageId: string): Promise<SentMessage> {
    const guildId = await this.channels.guildOf(channelId).catch(() => undefined);
    return { messageId, ...(guildId ? { url: messageLink(guildId, channelId, messageId) } : {}) };
  }

  async edit(req: { target: Target; message: SentMessage; content: PartContent }): Promise<void> {
    const channelId = this.channelOf(req.target);
    // A correction never pings again.
    await this.call('edit', req.target, () =>
      this.rest.patch(Routes.channelMessage(channelId, req.message.messageId), { body: { content: contentText(req.content), allowed_mentions: NO_MENTIONS } }),
    );
  }

  async remove(req: { target: Target; message: SentMessage }): Promise<void> {
    const channelId = this.channelOf(req.target);
    const ping = await this.pingBefore(channelId, req.message.messageId);
    await this.deleteIfThere(req.target, channelId, req.message.messageId);
    if (ping) await this.deleteIfThere(req.target, channelId, ping);
  }

  /** The lone @everyone herald sent right before a first part, so a retraction takes it down too. */
  private async pingBefore(channelId: string, messageId: string): Promise<string | undefined> {
    try {
      const [previous] = (await this.rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ before: messageId, limit: '1' }) })) as APIMessage[];
      return previous && previous.author.id === this.channels.botUserId() && previous.content === PING_ONLY ? previous.id : undefined;
    } catch {
      return undefined; // Without Read Message History the lone ping stays; the statement itself is still deleted.
    }
  }

  private async deleteIfThere(target: Target, channelId: string, messageId: string, op: Operation = 'delete', route = Routes.channelMessage(channelId, messageId)): Promise<void> {
    try {
      await this.rest.delete(route);
    } catch (error) {
      const code = apiCode(error);
      if (code === 10008 || code === 10003) return; // already gone, or its channel is
      throw toHeraldError(error, { op, where: this.channels.describe(channelId, target.id), timeoutMs: this.delivery.request_timeout_ms });
    }
  }

  async pin(req: { target: Target; message: SentMessage }): Promise<void> {
    const channelId = this.channelOf(req.target);
    await this.call('pin', req.target, () => this.rest.put(Routes.channelMessagesPin(channelId, req.message.messageId)));
  }

  /** A deleted message has lost its pin already: Unknown Message is what an unpin wants too. */
  async unpin(req: { target: Target; message: SentMessage }): Promise<void> {
    const channelId = this.channelOf(req.target);
    await this.deleteIfThere(req.target, channelId, req.message.messageId, 'unpin', Routes.channelMessagesPin(channelId, req.message.messageId));
  }

  /**
   * Crossposts every part to following servers (announcement channels) and pins the first
   * (where the policy says). A refusal, or a wait beyond the bound (Discord's hourly crosspost
   * limit), becomes a note: the post itself is already up. A shorter wait is handed back to the
   * worker, which runs this again after it (crossposting twice answers 40033, pinning twice is a no-op).
   */
  async finish(req: { target: Target; messages: SentMessage[]; policy: SendRequest['policy'] }): Promise<Finished> {
    const channelId = this.channelOf(req.target);
    const step = async (notes: string[], op: Operation, what: string, run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (error) {
        if (op === 'crosspost' && apiCode(error) === 40033) return;
        const e = toHeraldError(error, { op, where: this.channels.describe(channelId, req.target.id), timeoutMs: this.delivery.request_timeout_ms });
        if (e.code === 'rate_limited' && (e.retryAfterMs ?? 0) <= this.delivery.max_wait_ms) throw e;
        const bound = e.code === 'rate_limited' ? `, longer than the ${formatWait(this.delivery.max_wait_ms)} bound; ${what} by hand if it matters` : '';
        notes.push(`not ${what === 'publish' ? 'published to following servers' : 'pinned'}: ${e.message}${bound}`);
      }
    };
    const crosspost = async () => {
      const notes: string[] = [];
      if (req.target.platform !== 'discord' || !req.target.announcement) return notes;
      for (const m of req.messages) {
        await step(notes, 'crosspost', 'publish', () => this.rest.post(Routes.channelMessageCrosspost(channelId, m.messageId)));
        if (notes.length) break; // the same limit or refusal would answer every other part
      }
      return notes;
    };
    const pin = async () => {
      const notes: string[] = [];
      const first = req.messages[0];
      if (req.policy.pin && first) await step(notes, 'pin', 'pin', () => this.pin({ target: req.target, message: first }));
      return notes;
    };
    // Independent of each other, so both go at once: when a broadcast to many channels runs into
    // the next second of the global rate limit, a channel waits one round trip there, not two.
    const [crossposted, pinned] = await Promise.allSettled([crosspost(), pin()]);
    if (crossposted.status === 'rejected') throw crossposted.reason;
    if (pinned.status === 'rejected') throw pinned.reason;
    return { notes: [...crossposted.value, ...pinned.value], pinned: req.policy.pin && req.messages.length > 0 && pinned.value.length === 0 };
  }
}
