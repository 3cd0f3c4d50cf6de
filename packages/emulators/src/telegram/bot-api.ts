import { FaultQueue } from '../shared/faults';
import { Latency } from '../shared/latency';
import { Recorder } from '../shared/recorder';
import { BodyError, Params } from './params';
import { ApiError, chatNotFound, kicked, methodNotFound, migrated, notEnoughRights, tooManyRequests } from './api-errors';
import { RateLimiter, SENDING_METHODS, TELEGRAM_LIMITS } from './rate-limits';
import { State } from './state';
import { UpdateQueue } from './update-queue';
import { WebhookDeliverer } from './webhook-delivery';
import type {
  ApiResponseBody,
  BotCommand,
  CallbackQuery,
  Fault,
  FaultMatch,
  RecordedRequest,
  TelegramEmulatorOptions,
} from './types';

/** The emulator's engine: state plus one entry point, dispatch(), that answers a Bot API call. */

export interface CallContext {
  /** Lower-case method name (Telegram treats method names case-insensitively). */
  method: string;
  params: Params;
  core: BotApi;
  /** Resolves when the caller hung up or the emulator is closing. */
  closed: Promise<void>;
}

export type Handler = (ctx: CallContext) => unknown;

/** A result that Telegram accompanies with a description (setWebhook, deleteWebhook). */
export class Described {
  constructor(readonly result: unknown, readonly description: string) {}
}

export interface CallbackAnswer {
  callback_query_id: string;
  text?: string;
  show_alert: boolean;
  url?: string;
  cache_time?: number;
  at: number;
}

export type Outcome =
  | { kind: 'answer'; status: number; body: ApiResponseBody; html?: string }
  | { kind: 'hang'; destroyAfterMs?: number }
  | { kind: 'reset' };

const BAD_GATEWAY_TEXT: Record<number, string> = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Time-out' };

/** The page Telegram's nginx front serves when the Bot API backend is unavailable. */
export function nginxPage(status: number): string {
  const title = `${status} ${BAD_GATEWAY_TEXT[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n`;
}

/** A copy, so nothing a handler does later changes what the record says was sent. */
function snapshot(params: Record<string, unknown>): Record<string, unknown> {
  return structuredClone(params);
}

export class BotApi {
  readonly state: State;
  readonly queue: UpdateQueue;
  readonly webhook: WebhookDeliverer;
  readonly limiter: RateLimiter | null;
  readonly recorder = new Recorder<RecordedRequest>((event, record) => this.emit(event, record));
  readonly faults = new FaultQueue<FaultMatch, Fault>();
  readonly latency: Latency;
  readonly callbackQueries = new Map<string, { query: CallbackQuery; answered: boolean }>();
  readonly callbackAnswers: CallbackAnswer[] = [];
  /** Command lists keyed by scope and language, as setMyCommands stores them. */
  readonly commands = new Map<string, BotCommand[]>();
  readonly handlers = new Map<string, { name: string; fn: Handler }>();
  private closeSignal!: () => void;
  readonly closing = new Promise<void>((resolve) => (this.closeSignal = resolve));

  constructor(
    private readonly notify: (event: string, payload: unknown) => void,
    opts: TelegramEmulatorOptions,
    handlerTables: Array<Record<string, Handler>>,
    runWebhookReply: (body: Buffer, contentType: string | undefined) => Promise<void>,
  ) {
    this.state = new State(opts.bot ?? { id: 7000000001, username: 'herald_test_bot' }, opts.users ?? [], opts.chats ?? []);
    this.queue = new UpdateQueue(opts.firstUpdateId ?? 100000001);
    this.webhook = new WebhookDeliverer(
      this.queue,
      { attempts: 5, retryDelayMs: 100, timeoutMs: 10_000, ...opts.webhook },
      runWebhookReply,
      (report) => this.emit('webhookDelivery', report),
    );
    this.queue.onQueued = () => this.webhook.kick();
    const limits = opts.enforceLimits;
    this.limiter = limits ? new RateLimiter({ ...TELEGRAM_LIMITS, ...(limits === true ? {} : limits) }) : null;
    this.latency = new Latency(opts.latencyMs);
    for (const table of handlerTables) {
      for (const [name, fn] of Object.entries(table)) this.handlers.set(name.toLowerCase(), { name, fn });
    }
  }

  emit(event: string, payload: unknown) {
    this.notify(event, payload);
  }

  close() {
    this.closeSignal();
    this.queue.release();
    this.webhook.close();
  }

  /** Records a call refused before dispatch (wrong token), without the token. */
  recordRefused(method: string, contentType: RecordedRequest['contentType'], error: ApiError) {
    const record = this.recorder.arrived({
      method: this.handlers.get(method.toLowerCase())?.name ?? method,
      params: {},
      via: 'http',
      contentType,
      at: Date.now(),
      response: error.body(),
      durationMs: 0,
    });
    this.recorder.settled(record, error.code);
  }

  /** Whether a call fits a fault's match: the method in any case, the chat by id or @username. */
  private fits(match: FaultMatch, method: string, params: Params): boolean {
    if (match.method && match.method.toLowerCase() !== method) return false;
    if (match.chatId === undefined) return true;
    const chatParam = params.str('chat_id');
    if (chatParam === undefined) return false;
    const wanted = this.state.findChat(match.chatId)?.id ?? String(match.chatId);
    const given = this.state.findChat(chatParam)?.id ?? chatParam;
    return String(wanted) === String(given);
  }

  private faultOutcome(fault: Fault, method: string, params: Params): Outcome | null {
    const chat = this.state.findChat(params.str('chat_id'));
    const fail = (error: ApiError): Outcome => ({ kind: 'answer', status: error.code, body: error.body() });
    switch (fault.kind) {
      case 'ratelimit':
        return fail(tooManyRequests(fault.retryAfterSec));
      case 'status':
        if (fault.status === 500) {
          return { kind: 'answer', status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } };
        }
        return {
          kind: 'answer',
          status: fault.status,
          body: { ok: false, error_code: fault.status, description: BAD_GATEWAY_TEXT[fault.status] ?? 'Error' },
          html: nginxPage(fault.status),
        };
      case 'kicked':
        return fail(kicked(chat?.type ?? 'supergroup'));
      case 'chatNotFound':
        return fail(chatNotFound());
      case 'notEnoughRights':
        return fail(notEnoughRights(method));
      case 'migrated':
        return fail(migrated(fault.toChatId));
      case 'hang':
        return fault.destroyAfterMs === undefined ? { kind: 'hang' } : { kind: 'hang', destroyAfterMs: fault.destroyAfterMs };
      case 'reset':
        return { kind: 'reset' };
      case 'timeoutAfterStore':
        return null; // handled after the call has taken effect
    }
  }

  /** Answers one Bot API call the way Telegram would, recording it first. */
  async dispatch(
    rawMethod: string,
    rawParams: Record<string, unknown>,
    meta: { via: RecordedRequest['via']; contentType: RecordedRequest['contentType']; closed: Promise<void> },
  ): Promise<Outcome> {
    const arrived = performance.now();
    const method = rawMethod.toLowerCase();
    const entry = this.handlers.get(method);
    const record = this.recorder.arrived({
      method: entry?.name ?? rawMethod,
      params: snapshot(rawParams),
      via: meta.via,
      contentType: meta.contentType,
      at: Date.now(),
    });
    const finish = (outcome: Outcome, fault?: RecordedRequest['fault']): Outcome => {
      if (outcome.kind === 'answer') record.response = outcome.body;
      record.durationMs = Date.now() - record.at;
      if (fault) record.fault = fault;
      this.recorder.settled(record, outcome.kind === 'answer' ? outcome.status : undefined);
      return outcome;
    };
    const params = new Params(rawParams);

    if (!entry) {
      const error = methodNotFound();
      return finish({ kind: 'answer', status: 404, body: error.body() });
    }

    const fault = this.faults.take((match) => this.fits(match, method, params));
    if (fault) {
      const outcome = this.faultOutcome(fault, method, params);
      if (outcome) return finish(outcome, fault.kind);
    }

    if (method !== 'getupdates') await this.latency.wait(arrived);

    const chatForLimits = this.limiter && SENDING_METHODS.has(method) ? this.state.findChat(params.str('chat_id')) : undefined;
    if (this.limiter && chatForLimits) {
      // Telegram counts a message where it receives it, not after the answer's way back (the latency).
      const wait = this.limiter.retryAfter(chatForLimits, record.at);
      if (wait > 0) {
        const error = tooManyRequests(wait);
        return finish({ kind: 'answer', status: 429, body: error.body() }, 'limit');
      }
    }

    let outcome: Outcome;
    try {
      const result = await entry.fn({ method, params, core: this, closed: meta.closed });
      if (this.limiter && chatForLimits) this.limiter.record(chatForLimits, record.at);
      const body: ApiResponseBody =
        result instanceof Described
          ? { ok: true, result: result.result, description: result.description }
          : { ok: true, result };
      outcome = { kind: 'answer', status: 200, body };
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : error instanceof BodyError
            ? new ApiError(400, `Bad Request: ${error.message}`)
            : new ApiError(500, 'Internal Server Error');
      if (!(error instanceof ApiError) && !(error instanceof BodyError)) this.emit('emulatorError', error);
      outcome = { kind: 'answer', status: apiError.code, body: apiError.body() };
    }

    if (fault?.kind === 'timeoutAfterStore') {
      // The call took effect; the caller never learns it.
      if (outcome.kind === 'answer') record.response = outcome.body;
      const hang: Outcome =
        fault.destroyAfterMs === undefined ? { kind: 'hang' } : { kind: 'hang', destroyAfterMs: fault.destroyAfterMs };
      record.durationMs = Date.now() - record.at;
      record.fault = fault.kind;
      this.recorder.settled(record);
      return hang;
    }
    return finish(outcome);
  }
}
