import { EventEmitter } from 'node:events';
import { Latency } from '../shared/latency';
import { Recorder } from '../shared/recorder';
import { waitFor } from '../shared/wait-for';
import { botToken, snowflake } from './ids';
import { RestServer } from './rest-server';
import { Gateway } from './gateway';
import { restRoutes } from './routes';
import { commandRoutes } from './command-routes';
import { interactionRoutes } from './interaction-routes';
import { buildInteraction } from './interactions';
import { buildMessage, commitMessage } from './messages';
import { DEFAULT_BOT_PERMISSIONS, GuildState, defaultGuilds } from './guild-state';
import type { EmulatorContext, InteractionRec, ResolvedOptions } from './context';
import type {
  DiscordEmulatorOptions,
  EmulatorStats,
  Fault,
  FaultMatch,
  GuildSpec,
  InteractionResponseRecord,
  InteractionSpec,
  RecordedRequest,
  StoredMessage,
} from './types';

/**
 * A loopback Discord: REST (API v10) and gateway (v10, JSON) on one ephemeral port. The real
 * discord.js client logs in to it with `rest: { api: emulator.restUrl }`.
 *
 * Events: 'message' (StoredMessage), 'messageUpdate' (StoredMessage), 'messageDelete'
 * (StoredMessage), 'interactionResponse' ({ interactionId, ...InteractionResponseRecord }),
 * 'request' (RecordedRequest, on arrival), 'response' (the same record once answered or held),
 * 'handlerError' (an emulator bug answered as 500).
 */
export class DiscordEmulator extends EventEmitter implements EmulatorContext {
  readonly world: GuildState;
  readonly opts: ResolvedOptions;
  readonly stats: EmulatorStats = { identifies: 0, resumes: 0, status429: 0 };
  readonly interactions = new Map<string, InteractionRec>();
  /** INTERACTION_CREATE payloads as dispatched, for redelivery. */
  private readonly interactionPayloads = new Map<string, Record<string, unknown>>();
  /** The guilds as configured (or generated), for tests that took the default world. */
  readonly guilds: GuildSpec[];
  restUrl = '';
  gatewayUrl = '';
  private readonly rest: RestServer;
  private readonly gateway: Gateway;
  private readonly recorder = new Recorder<RecordedRequest>((event, record) => this.emit(event, record));
  private readonly latency: Latency;
  private closed = false;

  constructor(options: DiscordEmulatorOptions = {}) {
    super();
    const botId = options.botUser?.id ?? options.applicationId ?? snowflake();
    const bot = options.botUser ?? { id: botId, username: 'herald-emulated' };
    this.guilds = options.guilds ?? defaultGuilds();
    this.opts = {
      token: options.token ?? botToken(bot.id),
      enforceLimits: options.enforceLimits ?? false,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      interactionAckTimeoutMs: options.interactionAckTimeoutMs ?? 3_000,
      interactionTokenTtlMs: options.interactionTokenTtlMs ?? 15 * 60_000,
      nonceWindowMs: options.nonceWindowMs ?? 5 * 60_000,
    };
    this.world = new GuildState(bot, options.applicationId ?? bot.id, this.guilds, BigInt(options.botPermissions ?? DEFAULT_BOT_PERMISSIONS.toString()));
    this.gateway = new Gateway(this);
    this.latency = new Latency(options.latencyMs);
    this.rest = new RestServer(this, this.recorder, this.latency);
    this.rest.addRoutes([
      ...restRoutes(this, () => this.gatewayUrl, () => Math.max(0, 1000 - this.stats.identifies)),
      ...commandRoutes(this),
      ...interactionRoutes(this),
    ]);
    this.rest.server.on('upgrade', (req, socket, head) => this.gateway.handleUpgrade(req, socket, head));
  }

  /** Binds 127.0.0.1 on an ephemeral port. */
  async start(): Promise<this> {
    const host = await this.rest.listen();
    this.restUrl = `http://${host}/api`;
    this.gateway.setOrigin(`ws://${host}`);
    this.gatewayUrl = this.gateway.url;
    return this;
  }

  get token(): string {
    return this.opts.token;
  }

  get botUser(): { id: string; username: string } {
    return { id: this.world.bot.id, username: this.world.bot.username };
  }

  /** Every REST request received, in arrival order; Authorization is never recorded. */
  get requests(): readonly RecordedRequest[] {
    return this.recorder.requests;
  }

  dispatch(t: string, d: Record<string, unknown>, intent?: number): void {
    this.gateway.dispatch(t, d, intent);
  }

  /** Every message of a channel in creation order, deleted and ephemeral ones included (see their flags). */
  messages(channelId: string): StoredMessage[] {
    return (this.world.messages.get(channelId) ?? []).map((m) => this.world.snapshot(m));
  }

  /** A member posts a message in a channel (as the Discord client would), e.g. a question a moderator answers. */
  postMessage(spec: { channelId: string; userId: string; content: string }): StoredMessage {
    const channel = this.world.channels.get(spec.channelId);
    if (!channel) throw new Error(`postMessage: unknown channel ${spec.channelId}`);
    if (!this.world.guildOf(channel).members.has(spec.userId)) throw new Error(`postMessage: ${spec.userId} is not a member of the channel's guild`);
    const message = buildMessage(this, channel, { content: spec.content }, [], { authorId: spec.userId });
    commitMessage(this, message);
    return this.world.snapshot(message);
  }

  /** What the bot registered: a guild's commands, or the global ones without a guild id. */
  registeredCommands(guildId?: string): unknown[] {
    return structuredClone(guildId === undefined ? this.world.globalCommands : (this.world.guildCommands.get(guildId) ?? []));
  }

  /** Arms a fault for the next `times` matching REST requests (default once; Infinity for always). */
  injectFault(match: FaultMatch, fault: Fault, times = 1): void {
    this.rest.faults.add(match, fault, times);
  }

  /** Disarms every injected fault (a sandbox's "back to normal"). */
  clearFaults(): void {
    this.rest.faults.clear();
  }

  /** While down, every REST request answers 503 (the gateway stays up). */
  setDown(down: boolean): void {
    this.rest.down.set(down, 'unavailable');
  }

  setLatency(ms: number): void {
    this.latency.set(ms);
  }

  /**
   * Dispatches INTERACTION_CREATE to the bot (queued for RESUME while it is disconnected). Throws when
   * no session exists, or when a real Discord client could not have sent it.
   */
  async sendInteraction(spec: InteractionSpec): Promise<{ id: string; token: string }> {
    if (this.gateway.activeSessions === 0) throw new Error('sendInteraction: no gateway session; log the bot in first');
    const { payload, rec } = buildInteraction(this, spec);
    this.interactions.set(rec.id, rec);
    this.interactionPayloads.set(rec.id, payload);
    this.gateway.dispatch('INTERACTION_CREATE', payload);
    return { id: rec.id, token: rec.token };
  }

  /**
   * Dispatches the very same INTERACTION_CREATE again (same id and token), as a gateway can after a
   * reconnect; callbacks for it are then refused with 40060, since it was acknowledged already.
   */
  redeliverInteraction(id: string): void {
    const payload = this.interactionPayloads.get(id);
    if (!payload) throw new Error(`redeliverInteraction: no interaction ${id} was sent`);
    this.gateway.dispatch('INTERACTION_CREATE', payload);
  }

  /** Callbacks, follow-ups and @original edits/deletes of one interaction, in order. */
  interactionResponses(interactionId: string): InteractionResponseRecord[] {
    return structuredClone(this.interactions.get(interactionId)?.responses ?? []);
  }

  /**
   * The predicate's first truthy result, re-checked on every emulator event and every 25 ms (gateway
   * sessions change without one).
   */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 5_000): Promise<T> {
    return waitFor(this, predicate, {
      events: ['message', 'messageUpdate', 'messageDelete', 'interactionResponse', 'request', 'response'],
      timeoutMs,
      pollMs: 25,
      who: 'discord emulator',
      context: () => this.recorder.tail((r) => `${r.method} ${r.path}`),
    });
  }

  /** Drops the live gateway connections with a close code (default 4000: discord.js resumes). */
  disconnectGateway(closeCode = 4000): void {
    this.gateway.disconnect(closeCode);
  }

  /** Sends op 9 (not resumable): discord.js must identify again. */
  invalidateSessions(): void {
    this.gateway.invalidateSessions();
  }

  get connectedSessions(): number {
    return this.gateway.connectedSessions;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.gateway.close();
    await this.rest.close();
    this.removeAllListeners();
  }
}
