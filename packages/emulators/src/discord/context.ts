import type { GuildState } from './guild-state';
import type { EmulatorStats, InteractionResponseRecord } from './types';

export interface ResolvedOptions {
  token: string;
  enforceLimits: boolean;
  heartbeatIntervalMs: number;
  interactionAckTimeoutMs: number;
  interactionTokenTtlMs: number;
  nonceWindowMs: number;
}

export interface InteractionRec {
  id: string;
  token: string;
  /** Interaction type: 2 command, 3 component, 4 autocomplete, 5 modal submit. */
  type: number;
  /** For application commands: 1 chat input, 2 user, 3 message. */
  commandType?: number;
  name?: string;
  createdAt: number;
  guildId: string;
  channelId: string;
  userId: string;
  /** Initial callback type once acknowledged. */
  callbackType?: number;
  /** The message @original refers to (reply, deferred reply, or the component's message). */
  originalMessageId?: string;
  /** For component interactions: the message the component sits on. */
  sourceMessageId?: string;
  responses: InteractionResponseRecord[];
}

/** What route handlers and the gateway share. */
export interface EmulatorContext {
  readonly world: GuildState;
  readonly opts: ResolvedOptions;
  readonly stats: EmulatorStats;
  readonly interactions: Map<string, InteractionRec>;
  emit(event: string, payload: unknown): void;
  /** Sends a dispatch to every gateway session whose intents cover it (interactions need none). */
  dispatch(t: string, d: Record<string, unknown>, intent?: number): void;
}

export const Intents = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildMessages: 1 << 9,
  GuildPresences: 1 << 8,
  MessageContent: 1 << 15,
} as const;
