import { discordTimestamp, snowflake } from './ids';
import type { GuildSpec, StoredMessage, EmulatorUserSpec } from './types';

/** Permission bits used here (Discord's values). */
export const Perm = {
  CreateInstantInvite: 1n << 0n,
  Administrator: 1n << 3n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  Connect: 1n << 20n,
  Speak: 1n << 21n,
  ChangeNickname: 1n << 26n,
  UseApplicationCommands: 1n << 31n,
  CreatePublicThreads: 1n << 35n,
  SendMessagesInThreads: 1n << 38n,
  PinMessages: 1n << 51n,
} as const;

const ALL_PERMISSIONS = (1n << 53n) - 1n;

export const EVERYONE_PERMISSIONS =
  Perm.CreateInstantInvite | Perm.AddReactions | Perm.ViewChannel | Perm.SendMessages | Perm.EmbedLinks |
  Perm.AttachFiles | Perm.ReadMessageHistory | Perm.UseExternalEmojis | Perm.Connect | Perm.Speak |
  Perm.ChangeNickname | Perm.UseApplicationCommands | Perm.CreatePublicThreads | Perm.SendMessagesInThreads;

export const DEFAULT_BOT_PERMISSIONS =
  EVERYONE_PERMISSIONS | Perm.ManageMessages | Perm.MentionEveryone | Perm.PinMessages;

export interface UserRec {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

export interface RoleRec {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  mentionable: boolean;
  botId?: string;
}

export interface MemberRec {
  userId: string;
  roles: string[];
  nick: string | null;
  joinedAt: string;
}

export interface GuildRec {
  id: string;
  name: string;
  ownerId: string;
  roles: RoleRec[];
  members: Map<string, MemberRec>;
  channelIds: string[];
  joinedAt: string;
}

export interface ChannelRec {
  id: string;
  guildId: string;
  name: string;
  type: 0 | 5;
  position: number;
  topic: string | null;
  lastMessageId: string | null;
  pins: Array<{ messageId: string; pinnedAt: string }>;
}

/** The stored message plus what the emulator needs internally. */
export interface MessageRec extends StoredMessage {
  createdAt: number;
  authorId: string;
}

export type CommandRec = Record<string, unknown> & { id: string; name: string; type: number };

export function defaultGuilds(): GuildSpec[] {
  return [
    {
      id: snowflake(),
      name: 'Emulated Guild',
      channels: [
        { id: snowflake(), name: 'general', type: 0 },
        { id: snowflake(), name: 'announcements', type: 5 },
        { id: snowflake(), name: 'private', type: 0 },
      ],
      roles: [{ id: snowflake(), name: 'Moderator' }],
      members: [{ user: { id: snowflake(), username: 'alice' }, roles: [] }],
    },
  ];
}

export class GuildState {
  readonly users = new Map<string, UserRec>();
  readonly guilds = new Map<string, GuildRec>();
  readonly channels = new Map<string, ChannelRec>();
  readonly messages = new Map<string, MessageRec[]>();
  readonly messageById = new Map<string, MessageRec>();
  globalCommands: CommandRec[] = [];
  readonly guildCommands = new Map<string, CommandRec[]>();
  readonly bot: UserRec;

  constructor(
    botSpec: EmulatorUserSpec,
    readonly applicationId: string,
    guilds: GuildSpec[],
    readonly botPermissions: bigint,
  ) {
    this.bot = this.addUser(botSpec, true);
    for (const spec of guilds) this.addGuild(spec);
  }

  private addUser(spec: EmulatorUserSpec, bot = false): UserRec {
    const existing = this.users.get(spec.id);
    if (existing) return existing;
    const rec: UserRec = { id: spec.id, username: spec.username, globalName: spec.globalName ?? null, bot };
    this.users.set(rec.id, rec);
    return rec;
  }

  private addGuild(spec: GuildSpec): void {
    const joinedAt = discordTimestamp();
    // The @everyone role shares the guild's id, as on Discord.
    const roles: RoleRec[] = [
      { id: spec.id, name: '@everyone', permissions: EVERYONE_PERMISSIONS, position: 0, mentionable: false },
    ];
    (spec.roles ?? []).forEach((r, i) =>
      roles.push({
        id: r.id,
        name: r.name,
        permissions: BigInt(r.permissions ?? '0'),
        position: i + 1,
        mentionable: r.mentionable ?? false,
      }),
    );
    // Every bot gets a managed role carrying the permissions it was invited with.
    const botRole: RoleRec = {
      id: snowflake(),
      name: this.bot.username,
      permissions: this.botPermissions,
      position: roles.length,
      mentionable: false,
      botId: this.bot.id,
    };
    roles.push(botRole);
    const members = new Map<string, MemberRec>();
    for (const m of spec.members ?? []) {
      this.addUser(m.user);
      members.set(m.user.id, { userId: m.user.id, roles: [...m.roles], nick: m.nick ?? null, joinedAt });
    }
    members.set(this.bot.id, { userId: this.bot.id, roles: [botRole.id], nick: null, joinedAt });
    const ownerId = spec.ownerId ?? spec.members?.[0]?.user.id ?? this.addUser({ id: snowflake(), username: 'owner' }).id;
    if (!members.has(ownerId)) members.set(ownerId, { userId: ownerId, roles: [], nick: null, joinedAt });
    const guild: GuildRec = { id: spec.id, name: spec.name, ownerId, roles, members, channelIds: [], joinedAt };
    spec.channels.forEach((c, position) => {
      this.channels.set(c.id, {
        id: c.id,
        guildId: spec.id,
        name: c.name,
        type: c.type,
        position,
        topic: c.topic ?? null,
        lastMessageId: null,
        pins: [],
      });
      this.messages.set(c.id, []);
      guild.channelIds.push(c.id);
    });
    this.guilds.set(guild.id, guild);
  }

  permissionsOf(guild: GuildRec, userId: string): bigint {
    if (guild.ownerId === userId) return ALL_PERMISSIONS;
    const member = guild.members.get(userId);
    let bits = guild.roles[0]?.permissions ?? 0n;
    for (const roleId of member?.roles ?? []) bits |= guild.roles.find((r) => r.id === roleId)?.permissions ?? 0n;
    return bits & Perm.Administrator ? ALL_PERMISSIONS : bits;
  }

  userObject(u: UserRec): Record<string, unknown> {
    return {
      id: u.id,
      username: u.username,
      global_name: u.globalName,
      avatar: null,
      discriminator: '0',
      public_flags: 0,
      flags: 0,
      ...(u.bot ? { bot: true } : {}),
      banner: null,
      accent_color: null,
      avatar_decoration_data: null,
      collectibles: null,
      primary_guild: null,
    };
  }

  /** GET /users/@me adds the account fields a bot sees about itself. */
  selfObject(): Record<string, unknown> {
    return { ...this.userObject(this.bot), verified: true, mfa_enabled: false, email: null, locale: 'en-US', premium_type: 0 };
  }

  memberObject(guild: GuildRec, m: MemberRec, withUser = true): Record<string, unknown> {
    const user = this.users.get(m.userId);
    return {
      ...(withUser && user ? { user: this.userObject(user) } : {}),
      nick: m.nick,
      avatar: null,
      banner: null,
      roles: [...m.roles],
      joined_at: m.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
      unusual_dm_activity_until: null,
    };
  }

  roleObject(r: RoleRec): Record<string, unknown> {
    return {
      id: r.id,
      name: r.name,
      description: null,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: r.position,
      permissions: r.permissions.toString(),
      managed: r.botId !== undefined,
      mentionable: r.mentionable,
      flags: 0,
      ...(r.botId ? { tags: { bot_id: r.botId } } : {}),
    };
  }

  channelObject(c: ChannelRec, withGuildId = true): Record<string, unknown> {
    return {
      id: c.id,
      type: c.type,
      ...(withGuildId ? { guild_id: c.guildId } : {}),
      name: c.name,
      position: c.position,
      flags: 0,
      parent_id: null,
      topic: c.topic,
      nsfw: false,
      last_message_id: c.lastMessageId,
      rate_limit_per_user: 0,
      permission_overwrites: [],
    };
  }

  guildObject(g: GuildRec): Record<string, unknown> {
    const hasAnnouncements = g.channelIds.some((id) => this.channels.get(id)?.type === 5);
    return {
      id: g.id,
      name: g.name,
      icon: null,
      description: null,
      home_header: null,
      splash: null,
      discovery_splash: null,
      features: hasAnnouncements ? ['COMMUNITY', 'NEWS'] : [],
      banner: null,
      owner_id: g.ownerId,
      application_id: null,
      region: 'deprecated',
      afk_channel_id: null,
      afk_timeout: 300,
      system_channel_id: null,
      system_channel_flags: 0,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: 0,
      roles: g.roles.map((r) => this.roleObject(r)),
      default_message_notifications: 1,
      mfa_level: 0,
      explicit_content_filter: 0,
      max_presences: null,
      max_members: 500000,
      max_stage_video_channel_users: 50,
      max_video_channel_users: 25,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: 'en-US',
      rules_channel_id: null,
      safety_alerts_channel_id: null,
      public_updates_channel_id: null,
      hub_type: null,
      premium_progress_bar_enabled: false,
      latest_onboarding_question_id: null,
      nsfw: false,
      nsfw_level: 0,
      emojis: [],
      stickers: [],
      incidents_data: null,
      inventory_settings: null,
      embed_enabled: false,
      embed_channel_id: null,
    };
  }

  /** GUILD_CREATE: the guild plus the state only the gateway sends. */
  guildCreateObject(g: GuildRec): Record<string, unknown> {
    return {
      ...this.guildObject(g),
      joined_at: g.joinedAt,
      large: false,
      unavailable: false,
      lazy: true,
      member_count: g.members.size,
      members: [...g.members.values()].map((m) => this.memberObject(g, m)),
      channels: g.channelIds.flatMap((id) => {
        const c = this.channels.get(id);
        return c ? [this.channelObject(c, false)] : [];
      }),
      threads: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      embedded_activities: [],
      activity_instances: [],
      application_command_counts: {},
    };
  }

  /** A message as Discord sends it; `nonce` only in answers to the request that created it. */
  messageObject(m: MessageRec, withNonce = false): Record<string, unknown> {
    const {
      allowed_mentions: _am,
      deleted: _d,
      crossposted: _c,
      ephemeral: _e,
      interaction_id: _i,
      createdAt: _ca,
      authorId: _a,
      nonce,
      guild_id: _g,
      ...wire
    } = m;
    const out: Record<string, unknown> = structuredClone(wire);
    if (withNonce && nonce !== undefined) out.nonce = nonce;
    return out;
  }

  snapshot(m: MessageRec): StoredMessage {
    const { createdAt: _ca, authorId: _a, ...rest } = structuredClone(m);
    return { ...rest, crossposted: (m.flags & 1) !== 0, ephemeral: (m.flags & 64) !== 0 };
  }

  storeMessage(m: MessageRec): void {
    this.messages.get(m.channel_id)?.push(m);
    this.messageById.set(m.id, m);
    const channel = this.channels.get(m.channel_id);
    if (channel && (m.flags & 64) === 0) channel.lastMessageId = m.id;
  }

  findMessage(channelId: string, messageId: string): MessageRec | undefined {
    const m = this.messageById.get(messageId);
    return m && m.channel_id === channelId && !m.deleted ? m : undefined;
  }

  guildOf(channel: ChannelRec): GuildRec {
    const g = this.guilds.get(channel.guildId);
    if (!g) throw new Error(`channel ${channel.id} has no guild`);
    return g;
  }
}
