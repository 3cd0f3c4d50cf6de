import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { sessionId as newSessionId } from './ids';
import { Intents, type EmulatorContext } from './context';

/** Gateway opcodes (Discord's values). */
const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
  RequestSoundboardSounds: 31,
} as const;

/** A disconnected session keeps this many dispatches for RESUME; beyond that it can only re-identify. */
const REPLAY_BUFFER = 1000;

interface Payload {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

interface Session {
  id: string;
  intents: number;
  seq: number;
  buffer: Payload[];
  socket: WebSocket | null;
  expired: boolean;
}

export class Gateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly sockets = new Set<WebSocket>();
  private readonly heartbeatWatch = new Map<WebSocket, NodeJS.Timeout>();
  private origin = '';

  constructor(private readonly ctx: EmulatorContext) {}

  setOrigin(origin: string): void {
    this.origin = origin;
  }

  get url(): string {
    return `${this.origin}/gateway`;
  }

  private get resumeUrl(): string {
    return `${this.origin}/gateway/resume`;
  }

  /** Takes over HTTP upgrades on /gateway and /gateway/resume; anything else is refused. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/gateway' && url.pathname !== '/gateway/resume') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url.searchParams));
  }

  private onConnection(ws: WebSocket, params: URLSearchParams): void {
    this.sockets.add(ws);
    ws.on('close', (code) => this.onClose(ws, code));
    ws.on('error', () => undefined);
    if (params.get('v') !== '10') {
      ws.close(4012, 'Invalid API version');
      return;
    }
    // Compression (zlib-stream or identify compress) is not offered: plain JSON text frames are
    // valid for every client, and discord.js parses text frames even when it asked for zlib.
    if ((params.get('encoding') ?? 'json') !== 'json') {
      ws.close(4002, 'Error while decoding payload.');
      return;
    }
    let session: Session | null = null;
    this.send(ws, { op: Op.Hello, d: { heartbeat_interval: this.ctx.opts.heartbeatIntervalMs, _trace: ['["emulator-gateway",{}]'] }, s: null, t: null });
    this.watchHeartbeat(ws);
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      let payload: { op?: unknown; d?: any };
      try {
        payload = JSON.parse(isBinary ? Buffer.from(raw as Buffer).toString() : raw.toString());
      } catch {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      switch (payload.op) {
        case Op.Heartbeat:
          this.watchHeartbeat(ws);
          this.send(ws, { op: Op.HeartbeatAck, d: null, s: null, t: null });
          return;
        case Op.Identify:
          if (session) return ws.close(4005, 'Already authenticated.');
          session = this.identify(ws, payload.d);
          return;
        case Op.Resume:
          if (session) return ws.close(4005, 'Already authenticated.');
          session = this.resume(ws, payload.d);
          return;
        case Op.PresenceUpdate:
        case Op.VoiceStateUpdate:
        case Op.RequestSoundboardSounds:
          if (!session) ws.close(4003, 'Not authenticated.');
          return;
        case Op.RequestGuildMembers:
          if (!session) return ws.close(4003, 'Not authenticated.');
          this.guildMembersChunk(session, payload.d);
          return;
        default:
          ws.close(4001, 'Unknown opcode.');
      }
    });
  }

  /** Discord drops a connection that stops heartbeating; the grace is one and a half intervals. */
  private watchHeartbeat(ws: WebSocket): void {
    clearTimeout(this.heartbeatWatch.get(ws));
    const timer = setTimeout(() => ws.close(4009, 'Session timed out.'), this.ctx.opts.heartbeatIntervalMs * 1.5 + 1000);
    timer.unref();
    this.heartbeatWatch.set(ws, timer);
  }

  private identify(ws: WebSocket, d: any): Session | null {
    if (!d || d.token !== this.ctx.opts.token) {
      ws.close(4004, 'Authentication failed.');
      return null;
    }
    if (typeof d.intents !== 'number' || d.intents < 0 || d.intents >= 1 << 26) {
      ws.close(4013, 'Invalid intent(s).');
      return null;
    }
    // Privileged intents count as enabled in the developer portal, so they are never refused (4014).
    this.ctx.stats.identifies += 1;
    const session: Session = { id: newSessionId(), intents: d.intents, seq: 0, buffer: [], socket: ws, expired: false };
    this.sessions.set(session.id, session);
    const { world } = this.ctx;
    this.push(session, 'READY', {
      v: 10,
      user_settings: {},
      user: world.selfObject(),
      guilds: [...world.guilds.keys()].map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.resumeUrl,
      shard: Array.isArray(d.shard) ? d.shard : [0, 1],
      application: { id: world.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['us-east', 'us-central'],
      auth: {},
      _trace: ['["emulator-gateway",{}]'],
    });
    // Guilds arrive lazily after READY, as GUILD_CREATE, when the Guilds intent asks for them.
    if (session.intents & Intents.Guilds) {
      for (const guild of world.guilds.values()) this.push(session, 'GUILD_CREATE', world.guildCreateObject(guild));
    }
    return session;
  }

  private resume(ws: WebSocket, d: any): Session | null {
    const session = d && typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    if (!session || session.expired || d.token !== this.ctx.opts.token) {
      this.send(ws, { op: Op.InvalidSession, d: false, s: null, t: null });
      return null;
    }
    if (typeof d.seq !== 'number' || d.seq > session.seq) {
      ws.close(4007, 'Invalid seq.');
      return null;
    }
    this.ctx.stats.resumes += 1;
    if (session.socket && session.socket !== ws) session.socket.close(4000, 'Session resumed elsewhere.');
    session.socket = ws;
    for (const p of session.buffer) if (p.s !== null && p.s > d.seq) this.send(ws, p);
    this.push(session, 'RESUMED', { _trace: ['["emulator-gateway",{}]'] });
    return session;
  }

  private guildMembersChunk(session: Session, d: any): void {
    const guild = this.ctx.world.guilds.get(String(d?.guild_id));
    if (!guild) return;
    const ids: string[] | undefined = Array.isArray(d.user_ids) ? d.user_ids.map(String) : d.user_ids ? [String(d.user_ids)] : undefined;
    const query = typeof d.query === 'string' ? d.query.toLowerCase() : '';
    const limit = Number(d.limit) || Infinity;
    const matches = [...guild.members.values()]
      .filter((m) => (ids ? ids.includes(m.userId) : (this.ctx.world.users.get(m.userId)?.username ?? '').toLowerCase().startsWith(query)))
      .slice(0, limit);
    this.push(session, 'GUILD_MEMBERS_CHUNK', {
      guild_id: guild.id,
      members: matches.map((m) => this.ctx.world.memberObject(guild, m)),
      chunk_index: 0,
      chunk_count: 1,
      ...(ids ? { not_found: ids.filter((id) => !guild.members.has(id)) } : {}),
      ...(d.nonce !== undefined ? { nonce: d.nonce } : {}),
    });
  }

  /** Sequences a dispatch into the session; sent now if connected, else kept for RESUME. */
  private push(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    const payload: Payload = { op: Op.Dispatch, d, s: session.seq, t };
    session.buffer.push(payload);
    if (session.buffer.length > REPLAY_BUFFER) {
      session.buffer.shift();
      if (!session.socket) session.expired = true;
    }
    if (session.socket) this.send(session.socket, payload);
  }

  dispatch(t: string, d: Record<string, unknown>, intent?: number): void {
    for (const session of this.sessions.values()) {
      if (session.expired) continue;
      if (intent !== undefined && (session.intents & intent) === 0) continue;
      this.push(session, t, structuredClone(d));
    }
  }

  /** Sessions that receive dispatches now or on RESUME. */
  get activeSessions(): number {
    return [...this.sessions.values()].filter((s) => !s.expired).length;
  }

  get connectedSessions(): number {
    return [...this.sessions.values()].filter((s) => s.socket).length;
  }

  private send(ws: WebSocket, payload: Payload): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
  }

  private onClose(ws: WebSocket, code: number): void {
    clearTimeout(this.heartbeatWatch.get(ws));
    this.heartbeatWatch.delete(ws);
    this.sockets.delete(ws);
    for (const session of this.sessions.values()) {
      if (session.socket !== ws) continue;
      session.socket = null;
      // A client closing with 1000/1001 ends its session; any other close leaves it resumable.
      if (code === 1000 || code === 1001) {
        session.expired = true;
        this.sessions.delete(session.id);
      }
    }
  }

  /** Drops every live connection with a close code; sessions stay resumable (unless the code says otherwise). */
  disconnect(closeCode: number): void {
    for (const session of this.sessions.values()) {
      const ws = session.socket;
      if (!ws) continue;
      session.socket = null;
      ws.close(closeCode, 'Emulator dropped the connection.');
    }
  }

  /** Op 9 (not resumable): every session must identify again. */
  invalidateSessions(): void {
    for (const session of this.sessions.values()) {
      session.expired = true;
      if (session.socket) this.send(session.socket, { op: Op.InvalidSession, d: false, s: null, t: null });
    }
    this.sessions.clear();
  }

  close(): void {
    for (const timer of this.heartbeatWatch.values()) clearTimeout(timer);
    this.heartbeatWatch.clear();
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    this.sessions.clear();
    this.wss.close();
  }
}
