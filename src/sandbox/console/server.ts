import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../../util/package-root';
import { BodyTooLarge, readBody } from '../../util/http-body';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import type { Herald } from '../../app';
import { PLATFORMS } from '../../config/schema';
import type { Logger } from '../../util/log';
import type { World } from '../world';
import { ActionRefused, ConsoleActions } from './actions';
import { FAULT_MODES } from './faults';
import type { FastClock } from '../clock';

export interface ConsoleServer {
  url: string;
  port: number;
  actions: ConsoleActions;
  close(): Promise<void>;
}

const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/render.js': { file: 'render.js', type: 'text/javascript; charset=utf-8' },
  '/messages.js': { file: 'messages.js', type: 'text/javascript; charset=utf-8' },
};
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
const MAX_BODY = 64 * 1024;
/** Coalesces bursts of emulator events into one update of the page. */
const PUSH_AFTER_MS = 40;
const KEEPALIVE_MS = 15_000;

const user = z.string().min(1).max(40);
const snowflake = z.string().regex(/^\d+$/);
/** Which chat of the platform: the team's private one (the default) or the public community. */
const where = z.enum(['comms', 'community']).default('comms');
const BODIES = {
  '/api/discord/command': z.object({ user, text: z.string().max(4000), where }),
  '/api/discord/button': z.object({ user, messageId: snowflake, customId: z.string().max(100), where }),
  '/api/discord/menu': z.object({ user, messageId: snowflake, name: z.string().min(1).max(32), where }),
  '/api/discord/select': z.object({ user, messageId: snowflake, customId: z.string().max(100), values: z.array(z.string().max(100)).min(1).max(25), where }),
  '/api/discord/modal': z.object({ interactionId: snowflake, fields: z.record(z.string(), z.string().max(4000)).nullable() }),
  '/api/telegram/message': z.object({ user, text: z.string().max(4096), replyTo: z.number().int().optional(), where }),
  '/api/telegram/button': z.object({ user, messageId: z.number().int(), data: z.string().max(64) }),
  '/api/faults': z.object({ platform: z.enum(PLATFORMS), mode: z.enum(FAULT_MODES) }),
} as const;
type Route = keyof typeof BODIES;

function staticFiles(): Map<string, Buffer> {
  const dir = packagePath('src/sandbox/console/static');
  return new Map(Object.values(STATIC).map(({ file }) => [file, readFileSync(join(dir, file))]));
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req, MAX_BODY).catch((err: unknown) => {
    throw err instanceof BodyTooLarge ? new ActionRefused('The request is too large.') : err;
  });
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ActionRefused('The request is not JSON.');
  }
}

/**
 * The sandbox's web console on 127.0.0.1: a static page, a live feed of everything the emulated
 * platforms show (Server-Sent Events carrying the whole state, coalesced), and one POST endpoint
 * per thing a person can do. Only this page may call it: other sites cannot post JSON here
 * (no CORS), and a foreign Host header (DNS rebinding) is refused.
 */
export async function startConsole(options: { world: World; herald: Herald; port: number; log: Logger; fast?: FastClock | null }): Promise<ConsoleServer> {
  const files = staticFiles();
  const actions = new ConsoleActions(options.world, options.herald, options.fast ?? null);
  const clients = new Set<ServerResponse>();
  let port = 0;
  let timer: NodeJS.Timeout | undefined;

  const push = () => {
    timer = undefined;
    if (!clients.size) return;
    const frame = `event: state\ndata: ${JSON.stringify(actions.state())}\n\n`;
    for (const res of clients) res.write(frame);
  };
  actions.on('change', () => {
    timer ??= setTimeout(push, PUSH_AFTER_MS);
  });
  const keepalive = setInterval(() => {
    for (const res of clients) res.write(': keepalive\n\n');
  }, KEEPALIVE_MS).unref();

  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8') => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type });
    res.end(Buffer.isBuffer(body) ? body : JSON.stringify(body));
  };

  const act = async (route: Route, body: unknown): Promise<void> => {
    const parsed = BODIES[route].safeParse(body);
    if (!parsed.success) throw new ActionRefused(`Bad request: ${parsed.error.issues[0]?.path.join('.') || 'body'} ${parsed.error.issues[0]?.message ?? ''}`.trim());
    const b = parsed.data as any;
    switch (route) {
      case '/api/discord/command':
        return actions.discordCommand(b.user, b.text, b.where);
      case '/api/discord/button':
        return actions.discordButton(b.user, b.messageId, b.customId, b.where);
      case '/api/discord/menu':
        return actions.discordMessageMenu(b.user, b.messageId, b.name, b.where);
      case '/api/discord/select':
        return actions.discordSelect(b.user, b.messageId, b.customId, b.values, b.where);
      case '/api/discord/modal':
        return actions.discordModal(b.interactionId, b.fields);
      case '/api/telegram/message':
        return actions.telegramMessage(b.user, b.text, b.replyTo, b.where);
      case '/api/telegram/button':
        return actions.telegramButton(b.user, b.messageId, b.data);
      case '/api/faults':
        return actions.setFault(b.platform, b.mode);
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const host = req.headers.host ?? '';
      if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return send(res, 421, { error: 'This console answers only on its own address.' });
      const path = new URL(req.url ?? '/', 'http://console').pathname;
      if (req.method === 'GET' && STATIC[path]) return send(res, 200, files.get(STATIC[path].file), STATIC[path].type);
      if (req.method === 'GET' && path === '/api/state') return send(res, 200, actions.state());
      if (req.method === 'GET' && path === '/api/events') {
        res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
        res.write(`retry: 1000\nevent: state\ndata: ${JSON.stringify(actions.state())}\n\n`);
        clients.add(res);
        req.on('close', () => clients.delete(res));
        return;
      }
      if (req.method === 'POST' && path in BODIES) {
        const origin = req.headers.origin;
        if (!/^application\/json\b/.test(req.headers['content-type'] ?? '') || (origin !== undefined && origin !== `http://${host}`)) {
          return send(res, 403, { error: 'Only the console page may do this.' });
        }
        try {
          await act(path as Route, await readJson(req));
          return send(res, 200, { ok: true });
        } catch (err) {
          if (err instanceof ActionRefused) return send(res, 400, { error: err.message });
          options.log.error({ err }, 'a sandbox console action failed');
          return send(res, 500, { error: 'The sandbox could not do this; its log has the details.' });
        }
      }
      return send(res, 404, { error: 'Not found.' });
    })();
  });

  try {
    await listen(server, options.port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.port === 0) throw err;
    // Another console (or anything else) has the port: any free one will do.
    await listen(server, 0);
  }
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    actions,
    async close() {
      clearInterval(keepalive);
      clearTimeout(timer);
      actions.close();
      for (const res of clients) res.end();
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
