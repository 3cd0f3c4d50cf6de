import { discordTimestamp } from './ids';
import * as E from './api-errors';
import { Buckets } from './rate-limits';
import { applyEdit, buildMessage, commitDelete, commitEdit, commitMessage, findByNonce, validateMessageBody } from './messages';
import type { RouteDef, RouteRequest } from './rest-server';
import { Intents, type EmulatorContext } from './context';
import type { ChannelRec, MessageRec } from './guild-state';

const ok = (body: unknown, status = 200): E.RestResponse => ({ status, body });
const noContent = (): E.RestResponse => ({ status: 204 });
const MAX_PINS = 50;

/** Gateway discovery, identity, guilds and channel messages: everything a bot does outside interactions. */
export function restRoutes(ctx: EmulatorContext, gatewayUrl: () => string, sessionsLeft: () => number): RouteDef[] {
  const { world } = ctx;

  const channelOf = (req: RouteRequest): ChannelRec | undefined => world.channels.get(req.params.channel_id ?? '');

  const withChannelMessage = (req: RouteRequest, fn: (c: ChannelRec, m: MessageRec) => E.RestResponse): E.RestResponse => {
    const channel = channelOf(req);
    if (!channel) return E.unknownChannel();
    const message = world.findMessage(channel.id, req.params.message_id ?? '');
    if (!message || message.ephemeral) return E.unknownMessage();
    return fn(channel, message);
  };

  const pin = (req: RouteRequest) =>
    withChannelMessage(req, (channel, message) => {
      if (message.type === 6) return E.apiError(400, 50021, 'Cannot execute action on a system message');
      if (message.pinned) return noContent();
      if (channel.pins.length >= MAX_PINS) return E.maxPins();
      const pinnedAt = discordTimestamp();
      message.pinned = true;
      channel.pins.unshift({ messageId: message.id, pinnedAt });
      commitEdit(ctx, message);
      // Discord announces a pin in the channel with a system message pointing at the pinned one.
      const notice = buildMessage(ctx, channel, {}, [], { authorId: world.bot.id, type: 6 });
      notice.message_reference = { type: 0, channel_id: channel.id, message_id: message.id, guild_id: channel.guildId };
      commitMessage(ctx, notice);
      ctx.dispatch('CHANNEL_PINS_UPDATE', { guild_id: channel.guildId, channel_id: channel.id, last_pin_timestamp: pinnedAt }, Intents.Guilds);
      return noContent();
    });

  const unpin = (req: RouteRequest) =>
    withChannelMessage(req, (channel, message) => {
      if (!message.pinned) return noContent();
      message.pinned = false;
      channel.pins = channel.pins.filter((p) => p.messageId !== message.id);
      commitEdit(ctx, message);
      ctx.dispatch('CHANNEL_PINS_UPDATE', { guild_id: channel.guildId, channel_id: channel.id, last_pin_timestamp: channel.pins[0]?.pinnedAt ?? null }, Intents.Guilds);
      return noContent();
    });

  const pinnedMessages = (channel: ChannelRec) =>
    channel.pins.flatMap((p) => {
      const m = world.messageById.get(p.messageId);
      return m ? [{ pinned_at: p.pinnedAt, message: world.messageObject(m) }] : [];
    });

  const guildRoute = (req: RouteRequest) => world.guilds.get(req.params.guild_id ?? '');

  return [
    {
      method: 'GET',
      pattern: '/gateway',
      auth: false,
      handler: () => ok({ url: gatewayUrl() }),
    },
    {
      method: 'GET',
      pattern: '/gateway/bot',
      handler: () =>
        ok({
          url: gatewayUrl(),
          shards: 1,
          session_start_limit: { total: 1000, remaining: sessionsLeft(), reset_after: 14_400_000, max_concurrency: 1 },
        }),
    },
    { method: 'GET', pattern: '/users/@me', handler: () => ok(world.selfObject()) },
    {
      method: 'GET',
      pattern: '/users/:user_id',
      handler: (req) => {
        const user = world.users.get(req.params.user_id ?? '');
        return user ? ok(world.userObject(user)) : E.unknownUser();
      },
    },
    {
      method: 'GET',
      pattern: '/applications/@me',
      handler: () =>
        ok({
          id: world.applicationId,
          name: world.bot.username,
          icon: null,
          description: '',
          summary: '',
          type: null,
          bot_public: false,
          bot_require_code_grant: false,
          verify_key: '0'.repeat(64),
          flags: 0,
          hook: true,
          is_monetized: false,
          storefront_available: false,
          integration_types_config: { '0': {} },
          approximate_guild_count: world.guilds.size,
          bot: world.userObject(world.bot),
          owner: world.userObject(world.bot),
          team: null,
          redirect_uris: [],
          interactions_endpoint_url: null,
          tags: [],
        }),
    },
    {
      method: 'GET',
      pattern: '/guilds/:guild_id',
      handler: (req) => {
        const guild = guildRoute(req);
        if (!guild) return E.unknownGuild();
        const counts = req.query.get('with_counts') === 'true' ? { approximate_member_count: guild.members.size, approximate_presence_count: 0 } : {};
        return ok({ ...world.guildObject(guild), ...counts });
      },
    },
    {
      method: 'GET',
      pattern: '/guilds/:guild_id/channels',
      handler: (req) => {
        const guild = guildRoute(req);
        if (!guild) return E.unknownGuild();
        return ok(guild.channelIds.flatMap((id) => (world.channels.get(id) ? [world.channelObject(world.channels.get(id) as ChannelRec)] : [])));
      },
    },
    {
      method: 'GET',
      pattern: '/guilds/:guild_id/roles',
      handler: (req) => {
        const guild = guildRoute(req);
        return guild ? ok(guild.roles.map((r) => world.roleObject(r))) : E.unknownGuild();
      },
    },
    {
      method: 'GET',
      pattern: '/guilds/:guild_id/members',
      handler: (req) => {
        const guild = guildRoute(req);
        if (!guild) return E.unknownGuild();
        const limit = Math.min(1000, Number(req.query.get('limit') ?? 1) || 1);
        return ok([...guild.members.values()].slice(0, limit).map((m) => world.memberObject(guild, m)));
      },
    },
    {
      method: 'GET',
      pattern: '/guilds/:guild_id/members/:user_id',
      handler: (req) => {
        const guild = guildRoute(req);
        if (!guild) return E.unknownGuild();
        const member = guild.members.get(req.params.user_id === '@me' ? world.bot.id : (req.params.user_id ?? ''));
        return member ? ok(world.memberObject(guild, member)) : E.unknownMember();
      },
    },
    {
      method: 'GET',
      pattern: '/channels/:channel_id',
      handler: (req) => {
        const channel = channelOf(req);
        return channel ? ok(world.channelObject(channel)) : E.unknownChannel();
      },
    },
    {
      method: 'POST',
      pattern: '/channels/:channel_id/typing',
      handler: (req) => (channelOf(req) ? noContent() : E.unknownChannel()),
    },
    {
      method: 'GET',
      pattern: '/channels/:channel_id/messages',
      handler: (req) => {
        const channel = channelOf(req);
        if (!channel) return E.unknownChannel();
        const limit = Math.max(1, Math.min(100, Number(req.query.get('limit') ?? 50) || 50));
        const before = req.query.get('before');
        const after = req.query.get('after');
        let list = (world.messages.get(channel.id) ?? []).filter((m) => !m.deleted && !m.ephemeral);
        if (before) list = list.filter((m) => BigInt(m.id) < BigInt(before));
        if (after) list = list.filter((m) => BigInt(m.id) > BigInt(after));
        // Newest first, as Discord lists them (after= keeps the oldest ones after the id).
        const page = after ? list.slice(0, limit) : list.slice(-limit);
        return ok(page.reverse().map((m) => world.messageObject(m)));
      },
    },
    {
      method: 'GET',
      pattern: '/channels/:channel_id/messages/:message_id',
      handler: (req) => withChannelMessage(req, (_c, m) => ok(world.messageObject(m))),
    },
    {
      method: 'POST',
      pattern: '/channels/:channel_id/messages',
      bucket: Buckets.messageCreate,
      messageWrite: true,
      handler: (req) => {
        const channel = channelOf(req);
        if (!channel) return E.unknownChannel();
        const invalid = validateMessageBody(req.body, req.files, 'create');
        if (invalid) return invalid;
        const now = Date.now();
        if (req.body.enforce_nonce === true) {
          const earlier = findByNonce(ctx, channel.id, world.bot.id, req.body.nonce, now);
          if (earlier) return ok(world.messageObject(earlier, true));
        }
        let repliedTo: MessageRec | undefined;
        const ref = req.body.message_reference as Record<string, unknown> | undefined;
        if (ref && ref.message_id !== undefined) {
          const refChannel = String(ref.channel_id ?? channel.id);
          repliedTo = world.findMessage(refChannel, String(ref.message_id));
          if (!repliedTo && ref.fail_if_not_exists !== false) {
            const errors: E.FormErrors = {};
            E.addFieldError(errors, ['message_reference'], 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
            return E.invalidFormBody(errors);
          }
        }
        const message = buildMessage(ctx, channel, req.body, req.files, { authorId: world.bot.id }, repliedTo);
        commitMessage(ctx, message);
        return ok(world.messageObject(message, true));
      },
    },
    {
      method: 'PATCH',
      pattern: '/channels/:channel_id/messages/:message_id',
      messageWrite: true,
      handler: (req) =>
        withChannelMessage(req, (_c, m) => {
          if (m.authorId !== world.bot.id || m.webhook_id) return E.apiError(403, 50005, 'Cannot edit a message authored by another user');
          if (m.type === 6) return E.apiError(400, 50021, 'Cannot execute action on a system message');
          const invalid = applyEdit(ctx, m, req.body, req.files);
          if (invalid) return invalid;
          commitEdit(ctx, m);
          return ok(world.messageObject(m));
        }),
    },
    {
      method: 'DELETE',
      pattern: '/channels/:channel_id/messages/:message_id',
      handler: (req) =>
        withChannelMessage(req, (_c, m) => {
          commitDelete(ctx, m);
          return noContent();
        }),
    },
    {
      method: 'POST',
      pattern: '/channels/:channel_id/messages/:message_id/crosspost',
      bucket: Buckets.crosspost,
      handler: (req) => {
        const channel = channelOf(req);
        if (!channel) return E.unknownChannel();
        if (channel.type !== 5) return E.wrongChannelType();
        return withChannelMessage(req, (_c, m) => {
          if (m.flags & 1) return E.alreadyCrossposted();
          if (m.type === 6) return E.apiError(400, 50021, 'Cannot execute action on a system message');
          m.flags |= 1;
          m.crossposted = true;
          commitEdit(ctx, m);
          return ok(world.messageObject(m));
        });
      },
    },
    { method: 'PUT', pattern: '/channels/:channel_id/pins/:message_id', handler: pin },
    { method: 'DELETE', pattern: '/channels/:channel_id/pins/:message_id', handler: unpin },
    { method: 'PUT', pattern: '/channels/:channel_id/messages/pins/:message_id', handler: pin },
    { method: 'DELETE', pattern: '/channels/:channel_id/messages/pins/:message_id', handler: unpin },
    {
      method: 'GET',
      pattern: '/channels/:channel_id/pins',
      handler: (req) => {
        const channel = channelOf(req);
        return channel ? ok(pinnedMessages(channel).map((p) => p.message)) : E.unknownChannel();
      },
    },
    {
      method: 'GET',
      pattern: '/channels/:channel_id/messages/pins',
      handler: (req) => {
        const channel = channelOf(req);
        if (!channel) return E.unknownChannel();
        const limit = Math.max(1, Math.min(50, Number(req.query.get('limit') ?? 50) || 50));
        const items = pinnedMessages(channel);
        return ok({ items: items.slice(0, limit), has_more: items.length > limit });
      },
    },
  ];
}
