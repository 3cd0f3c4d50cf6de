import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readBody } from '../shared/body';
import { Down } from '../shared/down';
import { FaultQueue, routeFits } from '../shared/faults';
import { Latency } from '../shared/latency';
import { Recorder } from '../shared/recorder';
import { closeNow, listenLoopback } from '../shared/server';
import { waitFor } from '../shared/wait-for';
import { Authenticator } from './auth';
import { queryPairs } from './oauth1';
import * as P from './problems';
import { DEFAULT_LIMITS, RateLimiter } from './rate-limits';
import { warmTextParser, findRoute, type Route } from './routes';
import { copyPost, PostStore } from './store';
import type {
  Fault,
  FaultMatch,
  RecordedRequest,
  StoredPost,
  ThreadNode,
  XCredentials,
  XEmulatorOptions,
  XUser,
} from './types';

export const DEFAULT_X_USER: XUser = { id: '1790000000000000001', username: 'herald_ops', name: 'Herald Ops' };

export const DEFAULT_X_CREDENTIALS = {
  appKey: 'emulator-app-key',
  appSecret: 'emulator-app-secret',
  accessToken: '1790000000000000001-emulatorAccessToken',
  accessSecret: 'emulator-access-secret',
} as const;

const MAX_BODY_BYTES = 1 << 20;
const DAY_MS = 24 * 60 * 60_000;

export interface XEmulatorEvents {
  post: [StoredPost];
  delete: [StoredPost];
  /** On arrival; 'response' once answered or held (see shared/recorder). */
  request: [RecordedRequest];
  response: [RecordedRequest];
}

/** A loopback X API v2 that the real twitter-api-v2 client talks to (see base-url-plugin). */
export class XEmulator extends EventEmitter<XEmulatorEvents> {
  private readonly server: Server;
  private readonly store: PostStore;
  private readonly auth: Authenticator;
  private readonly limiter: RateLimiter;
  private readonly faults = new FaultQueue<FaultMatch, Fault>();
  private readonly recorder = new Recorder<RecordedRequest>((event, record) => this.emit(event, record));
  private readonly latency: Latency;
  private readonly down: Down;
  private readonly firstUserId: string;
  private readonly users: XUser[];
  private closed = false;
  private port = 0;

  constructor(opts: XEmulatorOptions = {}) {
    super();
    const users = opts.users?.length ? opts.users : [DEFAULT_X_USER];
    const creds: XCredentials[] = opts.credentials
      ? Array.isArray(opts.credentials)
        ? opts.credentials
        : [opts.credentials]
      : [{ ...DEFAULT_X_CREDENTIALS }];
    this.auth = new Authenticator(users, creds);
    this.firstUserId = users[0]!.id;
    this.users = users;
    this.store = new PostStore(opts.duplicateWindowMs ?? DAY_MS);
    this.limiter = new RateLimiter({ ...DEFAULT_LIMITS, ...opts.limits }, opts.enforceLimits ?? false);
    this.latency = new Latency(opts.latencyMs);
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.down = new Down(this.server);
  }

  /** http://127.0.0.1:<port>, without a trailing slash. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    warmTextParser();
    this.port = await listenLoopback(this.server);
  }

  /** Every request received, in arrival order, without Authorization. */
  get requests(): readonly RecordedRequest[] {
    return this.recorder.requests;
  }

  posts(): StoredPost[] {
    return this.store.all();
  }

  /** Root posts with their replies, in posting order: what a timeline UI draws. */
  timeline(): ThreadNode[] {
    return this.store.threads();
  }

  injectFault(match: FaultMatch, fault: Fault, times = 1): void {
    this.faults.add(match, fault, times);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** While down, every connection is reset as it opens (the client sees ECONNRESET). */
  setDown(down: boolean): void {
    this.down.set(down, 'reset');
  }

  setLatency(ms: number): void {
    this.latency.set(ms);
  }

  /** The predicate's first truthy result, re-checked after every request, post and delete. */
  waitFor<T>(predicate: (emu: XEmulator) => T | false | null | undefined, timeoutMs = 5_000): Promise<T> {
    return waitFor(this, () => predicate(this), {
      condition: predicate,
      events: ['request', 'response', 'post', 'delete'],
      timeoutMs,
      who: 'x emulator',
      context: () => this.recorder.tail((r) => `${r.method} ${r.path}`),
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.faults.clear();
    await closeNow(this.server);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = performance.now();
    const target = req.url ?? '/';
    const url = new URL(target, 'http://placeholder');
    const q = target.indexOf('?');
    const rawQuery = q === -1 ? '' : target.slice(q + 1);
    const method = (req.method ?? 'GET').toUpperCase();
    // An oversized or broken body reads as empty, which X answers as an invalid request.
    const bodyText = (await readBody(req, MAX_BODY_BYTES).catch(() => Buffer.alloc(0))).toString('utf8');
    const record = this.record(req, method, url.pathname, rawQuery, bodyText);

    const route = findRoute(method, url.pathname);
    if (!route) return this.answer(res, record, P.pageDoesNotExist(), {});

    const host = (req.headers.host ?? `127.0.0.1:${this.port}`).toLowerCase();
    const auth = this.auth.check(req.headers.authorization, method, `http://${host}${url.pathname}`, rawQuery);
    record.auth = auth.kind;
    if (auth.ok) record.userId = auth.user.id;

    // Injected faults win over everything, bad credentials included: they stand for X's state.
    const fault = this.faults.take((m) => routeFits(m, method, url.pathname));
    if (fault && fault.kind !== 'timeoutAfterStore') {
      return this.applyFault(fault, res, record, route, auth.ok ? auth.user.id : this.firstUserId);
    }
    if (!auth.ok) return this.answer(res, record, P.unauthorized(), {});

    const verdict = this.limiter.take(auth.user.id, route.endpoint);
    if (!verdict.allowed) return this.answer(res, record, P.tooManyRequests(), verdict.headers);

    if (route.mutating) await this.latency.wait(arrived);
    if (this.closed) return;

    let answer: P.XAnswer;
    try {
      answer = route.handle({
        user: auth.user,
        users: this.users,
        query: new Map(queryPairs(rawQuery)),
        bodyText,
        contentType: req.headers['content-type'],
        store: this.store,
        onPost: (p) => this.emit('post', copyPost(p)),
        onDelete: (p) => this.emit('delete', copyPost(p)),
      });
    } catch {
      answer = P.serverError(500);
    }
    if (fault?.kind === 'timeoutAfterStore') {
      record.fault = fault.kind;
      return this.hold(record);
    }
    this.answer(res, record, answer, verdict.headers);
  }

  private applyFault(fault: Fault, res: ServerResponse, record: RecordedRequest, route: Route, userId: string): void {
    record.fault = fault.kind;
    switch (fault.kind) {
      case 'ratelimit': {
        const limit = this.limiter.limitOf(route.endpoint);
        const reset = Math.ceil(Date.now() / 1000) + fault.resetInSec;
        return this.answer(res, record, P.tooManyRequests(), {
          'x-rate-limit-limit': String(limit),
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(reset),
        });
      }
      case 'usageCap':
        return this.answer(
          res,
          record,
          P.usageCapped(userId, fault.period, fault.scope),
          this.limiter.peek(userId, route.endpoint),
        );
      case 'status':
        return this.answer(res, record, P.serverError(fault.status), this.limiter.peek(userId, route.endpoint));
      case 'unauthorized':
        return this.answer(res, record, P.unauthorized(), {});
      case 'forbidden':
        return this.answer(res, record, P.forbidden(), {});
      case 'disconnect':
        res.socket?.destroy();
        return this.recorder.settled(record);
      case 'hang':
      case 'timeoutAfterStore':
        return this.hold(record);
    }
  }

  /** No answer: the socket stays open until the client gives up or close() cuts it. */
  private hold(record: RecordedRequest): void {
    this.recorder.settled(record);
  }

  private answer(res: ServerResponse, record: RecordedRequest, a: P.XAnswer, headers: Record<string, string>): void {
    if (res.destroyed || this.closed) return this.recorder.settled(record); // the client already gave up
    res.writeHead(a.status, {
      ...headers,
      'content-type': a.contentType,
      'content-length': Buffer.byteLength(a.body),
      'cache-control': 'no-cache, no-store, max-age=0',
      'x-transaction-id': randomBytes(8).toString('hex'),
    });
    res.end(a.body);
    this.recorder.settled(record, a.status);
  }

  private record(req: IncomingMessage, method: string, path: string, rawQuery: string, bodyText: string): RecordedRequest {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (k === 'authorization' || k === 'cookie' || v === undefined) continue;
      headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    let body: unknown = undefined;
    if (bodyText) {
      try {
        body = JSON.parse(bodyText);
      } catch {
        body = bodyText;
      }
    }
    return this.recorder.arrived({
      at: new Date().toISOString(),
      method,
      path,
      query: Object.fromEntries(queryPairs(rawQuery)),
      headers,
      body,
      auth: 'none',
    });
  }
}

export async function startXEmulator(opts: XEmulatorOptions = {}): Promise<XEmulator> {
  const emu = new XEmulator(opts);
  await emu.listen();
  return emu;
}
