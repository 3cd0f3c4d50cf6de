import { EventEmitter } from 'node:events';
import type http from 'node:http';
import type { Down } from '../shared/down';
import { closeNow } from '../shared/server';
import { waitFor } from '../shared/wait-for';
import { parseBody } from './params';
import { BotApi, type CallbackAnswer } from './bot-api';
import { botMethods, commandSlotKey } from './methods/bot';
import { chatMethods } from './methods/chats';
import { messageMethods } from './methods/messages';
import { updateMethods } from './methods/updates';
import { startServer } from './server';
import type {
  AdminRights,
  BotCommand,
  ChatConfig,
  Fault,
  FaultMatch,
  MemberStatus,
  MessageEntity,
  RecordedRequest,
  StoredMessage,
  TelegramEmulatorOptions,
  Update,
  User,
} from './types';
import * as users from './users';
import type { DeliveryReport } from './webhook-delivery';

// Shaped like a real token (digits, colon, 35 characters) but plainly not one.
export const DEFAULT_TOKEN = '7000000001:emulator-token-for-tests-only-00000';

/**
 * A loopback Telegram Bot API server for the real telegraf client:
 * `new Telegraf(emu.token, { telegram: { apiRoot: emu.apiRoot } })`.
 *
 * Events (for live views and waits): 'request' (RecordedRequest, on arrival) and
 * 'response' (the same record once answered; a timeoutAfterStore record has no status),
 * 'message' | 'edit' | 'delete' | 'pin' | 'unpin' (StoredMessage), 'callbackAnswer'
 * (CallbackAnswer), 'update' (Update queued for the bot), 'webhookDelivery'
 * (DeliveryReport), 'emulatorError' (a bug in the emulator itself).
 */
export class TelegramEmulator extends EventEmitter {
  readonly apiRoot: string;
  readonly token: string;
  private readonly core: BotApi;
  private readonly server: http.Server;
  private readonly down: Down;

  /** @internal use startTelegramEmulator() */
  constructor(core: BotApi, server: http.Server, down: Down, port: number, token: string) {
    super();
    this.core = core;
    this.server = server;
    this.down = down;
    this.token = token;
    this.apiRoot = `http://127.0.0.1:${port}`;
  }

  /** The bot's own User object, as getMe returns it. */
  get bot(): User {
    return this.core.state.bot;
  }

  /** What the bot sent into a chat, in order (deleted ones stay, flagged). */
  messages(chatId: number | string): StoredMessage[] {
    return this.history(chatId).filter((m) => m.sender === 'bot');
  }

  /** Every message in a chat: the bot's, users', channel posts and pin notices. */
  history(chatId: number | string): StoredMessage[] {
    const chat = this.core.state.findChat(chatId);
    return chat ? [...chat.messages.values()] : [];
  }

  message(chatId: number | string, messageId: number): StoredMessage | undefined {
    return this.core.state.findChat(chatId)?.messages.get(messageId);
  }

  /** Every call received, in arrival order. Never contains the token. */
  get requests(): readonly RecordedRequest[] {
    return this.core.recorder.requests;
  }

  requestsFor(method: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method.toLowerCase() === method.toLowerCase());
  }

  get callbackAnswers(): readonly CallbackAnswer[] {
    return this.core.callbackAnswers;
  }

  /** The command list setMyCommands stored for exactly this scope and language. */
  myCommands(scope?: { type: string; chat_id?: number | string; user_id?: number }, languageCode = ''): BotCommand[] {
    return this.core.commands.get(commandSlotKey(scope, languageCode)) ?? [];
  }

  get webhook(): { url: string; secret_token: string | null; max_connections: number } | null {
    const s = this.core.webhook.settings;
    return s ? { url: s.url, secret_token: s.secretToken ?? null, max_connections: s.maxConnections } : null;
  }

  /** Updates the webhook gave up on after its bounded retries. */
  get webhookFailures(): readonly DeliveryReport[] {
    return this.core.webhook.failures;
  }

  /** Updates queued and not yet confirmed (getUpdates) or delivered (webhook). */
  get pendingUpdates(): number {
    return this.core.queue.size;
  }

  /** Arms a fault for the next `times` matching calls (method name is case-insensitive). */
  injectFault(match: FaultMatch, fault: Fault, times = 1): void {
    this.core.faults.add(match, fault, times);
  }

  clearFaults(): void {
    this.core.faults.clear();
  }

  /** Unreachable Telegram: 'reset' drops every connection, 'badGateway' answers nginx's 502 page. */
  setDown(down: boolean, mode: 'reset' | 'badGateway' = 'reset'): void {
    this.down.set(down, mode);
  }

  setLatency(ms: number): void {
    this.core.latency.set(ms);
  }

  addChat(chat: ChatConfig): void {
    this.core.state.addChat(chat);
  }

  // ---- The Telegram side ----

  sendUserMessage(input: users.UserMessageInput): Update {
    return users.sendUserMessage(this.core, input);
  }

  editUserMessage(input: { chatId: number | string; messageId: number; text: string; entities?: MessageEntity[] }): Update {
    return users.editUserMessage(this.core, input);
  }

  pressButton(input: users.ButtonPressInput): Update {
    return users.pressButton(this.core, input);
  }

  channelPost(input: { chatId: number | string; text: string; entities?: MessageEntity[] }): Update {
    return users.channelPost(this.core, input);
  }

  /** Changes the bot's membership (kicked, left, administrator...) and queues my_chat_member. */
  setBotStatus(input: { chatId: number | string; status: MemberStatus; rights?: Partial<AdminRights>; by?: number }): Update {
    return users.setBotStatus(this.core, input);
  }

  /** Delivers the same update (same update_id) once more, whatever offset the bot confirmed. */
  redeliver(update: Update): void {
    users.redeliver(this.core, update);
  }

  /** The first truthy value of `check`, evaluated now and after every emulator event. */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
    return waitFor(this, check, {
      events: ['request', 'response', 'message', 'edit', 'delete', 'pin', 'unpin', 'callbackAnswer', 'update', 'webhookDelivery'],
      timeoutMs,
      who: 'telegram emulator',
      context: () => this.core.recorder.tail((r) => r.method),
    });
  }

  /** The next message the bot sends into a chat that satisfies `match`. */
  waitForMessage(chatId: number | string, match: (m: StoredMessage) => boolean = () => true, timeoutMs = 5000) {
    const seen = new Set(this.messages(chatId).map((m) => m.message_id));
    return this.waitFor(() => this.messages(chatId).find((m) => !seen.has(m.message_id) && match(m)), timeoutMs);
  }

  async close(): Promise<void> {
    this.core.close();
    await closeNow(this.server);
  }
}

export async function startTelegramEmulator(opts: TelegramEmulatorOptions = {}): Promise<TelegramEmulator> {
  const token = opts.token ?? DEFAULT_TOKEN;
  let emulator: TelegramEmulator | undefined;
  // Webhook answers may carry a method call; Telegram runs it, unauthenticated by token.
  const runWebhookReply = async (body: Buffer, contentType: string | undefined) => {
    const parsed = parseBody(new URLSearchParams(), contentType, body);
    const method = parsed.params.method;
    if (typeof method !== 'string' || !method) return;
    delete parsed.params.method;
    await core.dispatch(method, parsed.params, { via: 'webhookReply', contentType: parsed.contentType, closed: core.closing });
  };
  const core: BotApi = new BotApi((event, payload) => emulator?.emit(event, payload), opts, [botMethods, chatMethods, messageMethods, updateMethods], runWebhookReply);
  const { server, port, down } = await startServer(core, token);
  emulator = new TelegramEmulator(core, server, down, port, token);
  return emulator;
}
