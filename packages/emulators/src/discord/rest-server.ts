import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from '../shared/body';
import { Down } from '../shared/down';
import { FaultQueue, routeFits } from '../shared/faults';
import type { Latency } from '../shared/latency';
import type { Recorder } from '../shared/recorder';
import { closeNow, listenLoopback } from '../shared/server';
import { invalidJson, methodNotAllowed, notFound, statusText, tooLarge, unauthorized, apiError, type RestResponse } from './api-errors';
import { bucketHash } from './ids';
import { Buckets, RateLimiter, tooManyRequests, type BucketDef } from './rate-limits';
import type { Body, UploadedFile } from './messages';
import type { Fault, FaultMatch, RecordedRequest } from './types';
import type { EmulatorContext } from './context';

const MAX_BODY_BYTES = 26 * 1024 * 1024;

export interface RouteRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Body;
  files: UploadedFile[];
}

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** e.g. /channels/:channel_id/messages/:message_id; literal segments win over parameters. */
  pattern: string;
  /** Interaction and webhook-token routes carry no bot token and are exempt from the global limit. */
  auth?: false;
  bucket?: BucketDef;
  /** Creates or edits a message: the configured latency applies. */
  messageWrite?: true;
  handler(req: RouteRequest): RestResponse | Promise<RestResponse>;
}

interface CompiledRoute extends RouteDef {
  segments: string[];
  literalCount: number;
}

/** Discord's major parameters: the first channel/guild id, or webhook id + token. */
function majorOf(params: Record<string, string>): string {
  if (params.application_id && params.token) return `${params.application_id}/${params.token}`;
  return params.channel_id ?? params.guild_id ?? params.interaction_id ?? 'global';
}

export class RestServer {
  readonly server: Server;
  private readonly routes: CompiledRoute[] = [];
  readonly faults = new FaultQueue<FaultMatch, Fault>();
  readonly down: Down;
  private readonly limiter: RateLimiter;

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly recorder: Recorder<RecordedRequest>,
    private readonly latency: Latency,
  ) {
    this.limiter = new RateLimiter(ctx.opts.enforceLimits);
    this.server = createServer((req, res) => void this.handle(req, res));
    this.down = new Down(this.server);
    // Discord's edge keeps connections open for a while; undici reuses them.
    this.server.keepAliveTimeout = 30_000;
  }

  addRoutes(defs: RouteDef[]): void {
    for (const def of defs) {
      const segments = def.pattern.split('/').filter(Boolean);
      this.routes.push({ ...def, segments, literalCount: segments.filter((s) => !s.startsWith(':')).length });
    }
    this.routes.sort((a, b) => b.literalCount - a.literalCount);
  }

  async listen(): Promise<string> {
    return `127.0.0.1:${await listenLoopback(this.server)}`;
  }

  async close(): Promise<void> {
    await closeNow(this.server);
  }

  private matchRoute(method: string, path: string): { route?: CompiledRoute; params: Record<string, string>; pathKnown: boolean } {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    let pathKnown = false;
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = route.segments.every((seg, i) => {
        const part = parts[i] as string;
        if (seg.startsWith(':')) {
          params[seg.slice(1)] = part;
          return true;
        }
        return seg === part;
      });
      if (!ok) continue;
      pathKnown = true;
      if (route.method === method) return { route, params, pathKnown };
    }
    return { params: {}, pathKnown };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = performance.now();
    // Discord counts a request against its limits when it arrives, not once its body is read and parsed.
    const arrivedAt = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const versioned = /^\/api\/v(9|10)(\/.*)$/.exec(url.pathname);
    const path = versioned?.[2] ?? url.pathname;

    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch {
      this.reply(res, tooLarge(), undefined);
      return;
    }
    const parsed = await parseBody(req.headers['content-type'] ?? '', raw);
    const { route, params, pathKnown } = this.matchRoute(method, path);
    const record = this.recorder.arrived({
      method,
      path,
      route: route?.pattern ?? '',
      query: Object.fromEntries(url.searchParams),
      body: parsed.kind === 'ok' ? recordable(parsed.body, parsed.files) : undefined,
      at: arrivedAt,
    });

    if (!versioned) return this.reply(res, notFound(), record);
    if (this.down.current) {
      record.fault = 'down';
      return this.reply(res, apiError(503, 0, statusText(503)), record);
    }

    const fault = this.faults.take((m) => routeFits(m, method, path));
    let holdAfterHandling = false;
    if (fault) {
      record.fault = fault.kind;
      switch (fault.kind) {
        case 'hang':
          return this.recorder.settled(record);
        case 'timeoutAfterStore':
          holdAfterHandling = true;
          break;
        case 'status':
          return this.reply(res, apiError(fault.status, 0, statusText(fault.status)), record);
        case 'error':
          return this.reply(res, apiError(fault.status, fault.code, fault.message, fault.errors), record);
        case 'ratelimit': {
          const scope = fault.global ? 'global' : (fault.scope ?? 'user');
          const now = Date.now();
          const limit = route?.bucket?.limit ?? Buckets.generic.limit;
          const bucket = {
            'X-RateLimit-Limit': String(limit),
            'X-RateLimit-Remaining': scope === 'shared' ? String(limit - 1) : '0',
            'X-RateLimit-Reset': ((now + fault.retryAfterSec * 1000) / 1000).toFixed(3),
            'X-RateLimit-Reset-After': fault.retryAfterSec.toFixed(3),
            'X-RateLimit-Bucket': route ? routeHash(route) : 'unknown',
          };
          return this.reply(res, tooManyRequests(fault.retryAfterSec, scope, bucket), record);
        }
      }
    }

    if (!route) return this.reply(res, pathKnown ? methodNotAllowed() : notFound(), record);
    if (route.auth !== false && req.headers.authorization !== `Bot ${this.ctx.opts.token}`) {
      return this.reply(res, unauthorized(), record);
    }
    const now = arrivedAt;
    if (route.auth !== false) {
      const globalLimited = this.limiter.checkGlobal(now);
      if (globalLimited) return this.reply(res, globalLimited, record);
    }
    const taken = this.limiter.take(`${route.method} ${route.pattern}`, majorOf(params), route.bucket ?? Buckets.generic, now);
    if (taken.limited) return this.reply(res, taken.limited, record);
    if (parsed.kind === 'invalid') return this.reply(res, { ...invalidJson(), headers: taken.headers }, record);

    if (route.messageWrite) await this.latency.wait(arrived);
    let answer: RestResponse;
    try {
      answer = await route.handler({ method, path, params, query: url.searchParams, body: parsed.body, files: parsed.files });
    } catch (error) {
      answer = apiError(500, 0, statusText(500));
      this.ctx.emit('handlerError', error);
    }
    // Never answered: the socket stays open until the client gives up or the emulator closes.
    if (holdAfterHandling) return this.recorder.settled(record);
    this.reply(res, { ...answer, headers: { ...taken.headers, ...answer.headers } }, record);
  }

  private reply(res: ServerResponse, answer: RestResponse, record: RecordedRequest | undefined): void {
    if (answer.status === 429) this.ctx.stats.status429 += 1;
    const headers: Record<string, string> = { ...answer.headers };
    let payload: string | undefined;
    if (answer.body !== undefined && answer.status !== 204) {
      payload = JSON.stringify(answer.body);
      headers['Content-Type'] = 'application/json';
    }
    if (!res.destroyed) {
      res.writeHead(answer.status, headers);
      res.end(payload);
    }
    if (record) this.recorder.settled(record, answer.status);
  }
}

const routeHash = (route: CompiledRoute) => bucketHash(`${route.method} ${route.pattern}`);


type Parsed = { kind: 'ok'; body: Body; files: UploadedFile[] } | { kind: 'invalid'; body: Body; files: UploadedFile[] };

/** JSON, or multipart with payload_json and files[n] parts, as discord.js sends uploads. */
async function parseBody(contentType: string, raw: Buffer): Promise<Parsed> {
  if (raw.length === 0) return { kind: 'ok', body: {}, files: [] };
  try {
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
      let body: Body = {};
      const files: UploadedFile[] = [];
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') {
          if (field === 'payload_json') body = { ...body, ...(JSON.parse(value) as Body) };
          else body[field] = value;
        } else {
          files.push({ field, filename: value.name, size: value.size, contentType: value.type || 'application/octet-stream' });
        }
      }
      return { kind: 'ok', body, files };
    }
    const body = JSON.parse(raw.toString('utf8')) as unknown;
    return { kind: 'ok', body: (body && typeof body === 'object' ? body : { value: body }) as Body, files: [] };
  } catch {
    return { kind: 'invalid', body: {}, files: [] };
  }
}

function recordable(body: Body, files: UploadedFile[]): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  return files.length ? { ...copy, files: files.map((f) => ({ ...f })) } : copy;
}
