/** Public types of the Discord emulator. Field names of Discord objects stay snake_case, as on the wire. */

import type { RouteMatch } from '../shared/faults';

export interface EmulatorUserSpec {
  id: string;
  username: string;
  globalName?: string;
}

export interface GuildChannelSpec {
  id: string;
  name: string;
  /** 0 GUILD_TEXT, 5 GUILD_ANNOUNCEMENT */
  type: 0 | 5;
  topic?: string;
}

export interface GuildRoleSpec {
  id: string;
  name: string;
  /** Permission bitfield as a decimal string; defaults to "0" (the role adds nothing to @everyone). */
  permissions?: string;
  mentionable?: boolean;
}

export interface GuildMemberSpec {
  user: EmulatorUserSpec;
  roles: string[];
  nick?: string;
}

export interface GuildSpec {
  id: string;
  name: string;
  channels: GuildChannelSpec[];
  roles?: GuildRoleSpec[];
  members?: GuildMemberSpec[];
  /** Defaults to the first member, else a generated user. */
  ownerId?: string;
}

export interface DiscordEmulatorOptions {
  applicationId?: string;
  botUser?: EmulatorUserSpec;
  /** The token the bot must present (`Authorization: Bot <token>`, and in IDENTIFY). Generated when omitted. */
  token?: string;
  /** Defaults to one guild with #general (text), #announcements (announcement) and #private (text). */
  guilds?: GuildSpec[];
  /** Delay before answering each message create/edit (channel messages, interaction replies, follow-ups). */
  latencyMs?: number;
  /**
   * Enforce Discord's documented limits: 50 requests/s globally per bot (interaction routes exempt),
   * 5 message creates per 5 s per channel, 10 crossposts per hour per channel. Off by default: the
   * rate-limit headers are still sent, but report a bucket that never runs dry.
   */
  enforceLimits?: boolean;
  /** HELLO's heartbeat_interval. Default 41250 ms, as Discord sends. */
  heartbeatIntervalMs?: number;
  /** How long after INTERACTION_CREATE the initial callback is accepted. Default 3000 ms, as Discord. */
  interactionAckTimeoutMs?: number;
  /** How long an interaction token works for follow-ups and @original. Default 15 min, as Discord. */
  interactionTokenTtlMs?: number;
  /** Window in which `nonce` + `enforce_nonce` returns the earlier message. Default 5 min ("a few minutes"). */
  nonceWindowMs?: number;
  /** The bot's guild permissions (decimal string); default: the usual bot set incl. Mention Everyone, Manage/Pin Messages. */
  botPermissions?: string;
}

export interface StoredMessage {
  id: string;
  channel_id: string;
  guild_id: string;
  author: Record<string, unknown>;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: Array<Record<string, unknown>>;
  mention_roles: string[];
  attachments: unknown[];
  embeds: unknown[];
  components: unknown[];
  nonce?: string | number;
  pinned: boolean;
  type: number;
  flags: number;
  message_reference?: Record<string, unknown>;
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: Record<string, unknown>;
  // Emulator bookkeeping below: not part of Discord's message object.
  /** The allowed_mentions the sender passed (undefined when absent). */
  allowed_mentions?: unknown;
  deleted: boolean;
  /** flags has CROSSPOSTED (1 << 0). */
  crossposted: boolean;
  /** flags has EPHEMERAL (1 << 6): only the invoking user sees it. */
  ephemeral: boolean;
  /** Set when the message answers an interaction (reply, deferred reply, follow-up). */
  interaction_id?: string;
}

export interface RecordedRequest {
  /** 1, 2, 3... in arrival order. */
  seq: number;
  method: string;
  /** Path after /api/v10, e.g. /channels/123/messages */
  path: string;
  /** Route template, e.g. /channels/:channel_id/messages ('' for unknown routes) */
  route: string;
  query: Record<string, string>;
  /** Parsed JSON body; for multipart, payload_json plus `files` metadata. Authorization is never recorded. */
  body: unknown;
  /** Response status; undefined while pending or when the request was never answered. */
  status?: number;
  /** Which injected fault, if any, answered it. */
  fault?: Fault['kind'] | 'down';
  at: number;
}

export type Fault =
  | { kind: 'ratelimit'; retryAfterSec: number; scope?: 'user' | 'global' | 'shared'; global?: boolean }
  | { kind: 'status'; status: 500 | 502 | 503 | 504 }
  | { kind: 'error'; status: 400 | 403 | 404; code: number; message: string; errors?: unknown }
  /** Handles the request (stores the message), then never answers; the socket is held until the client gives up. */
  | { kind: 'timeoutAfterStore' }
  /** Never answers and does nothing. */
  | { kind: 'hang' };

/** A method and the exact path after /api/v10 (no query), or a RegExp tested against it. */
export type FaultMatch = RouteMatch;

export type InteractionResponseRecord = {
  kind: 'callback' | 'followup' | 'editOriginal' | 'deleteOriginal' | 'editFollowup' | 'deleteFollowup';
  /** Interaction callback type for kind 'callback' (4 reply, 5 deferred, 6 deferred update, 7 update, 8 autocomplete, 9 modal). */
  type?: number;
  data?: unknown;
  /** The message created or edited, when there is one. */
  messageId?: string;
  at: number;
};

interface InteractionBase {
  guildId?: string;
  channelId: string;
  /** The invoking member; must be a member of the guild (the bot's own id is refused). */
  userId: string;
  locale?: string;
}

export type OptionValue = string | number | boolean;

export type InteractionSpec = InteractionBase &
  (
    | {
        kind: 'command';
        name: string;
        /** Option values by name, typed from the registered command. */
        options?: Record<string, OptionValue>;
        subcommand?: string;
        subcommandGroup?: string;
      }
    | {
        kind: 'autocomplete';
        name: string;
        options?: Record<string, OptionValue>;
        /** Name of the option being typed in (its value is sent as a string). */
        focused: string;
        subcommand?: string;
        subcommandGroup?: string;
      }
    | { kind: 'button'; customId: string; messageId: string }
    | { kind: 'select'; customId: string; messageId: string; values: string[] }
    /** Answers a modal the bot showed (callback type 9) with that custom_id; fields by text-input custom_id. */
    | { kind: 'modal'; customId: string; fields: Record<string, string> }
    | { kind: 'messageCommand'; name: string; targetMessageId: string }
    | { kind: 'userCommand'; name: string; targetUserId: string }
  );

export interface EmulatorStats {
  identifies: number;
  resumes: number;
  status429: number;
}
