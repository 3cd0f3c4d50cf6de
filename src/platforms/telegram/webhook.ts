import http from 'node:http';
import { readBody } from '../../util/http-body';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { Update } from 'telegraf/types';
import type { Logger } from '../../util/log';

const MAX_BODY = 1024 * 1024;
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export interface WebhookServer {
  port: number;
  close(): Promise<void>;
}

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Receives updates Telegram POSTs to the webhook URL. Only requests to the URL's path that
 * carry the secret token herald registered are read (the comparison takes constant time, and
 * the secret is never logged); bodies are capped, slow clients cut off. The answer is an empty
 * 200 once herald has taken the update; replies are sent by separate calls, never in the body.
 */
export async function startWebhookServer(opts: { path: string; port: number; host: string; secret: string; handle: (update: Update) => Promise<void>; log: Logger }): Promise<WebhookServer> {
  const server = http.createServer((req, res) => {
    void serve(req, res).catch((err: unknown) => {
      opts.log.error({ err }, 'a Telegram webhook request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;

  async function serve(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'POST' || path !== opts.path) {
      res.writeHead(404).end();
      return;
    }
    if (!sameSecret(req.headers[SECRET_HEADER], opts.secret)) {
      opts.log.warn({ remote: req.socket.remoteAddress }, 'refused a webhook request without the right secret token');
      res.writeHead(403).end();
      req.resume();
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY);
    } catch {
      res.writeHead(413).end();
      req.destroy();
      return;
    }
    let update: Update;
    try {
      update = JSON.parse(body.toString('utf8')) as Update;
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (typeof update?.update_id !== 'number') {
      res.writeHead(400).end();
      return;
    }
    await opts.handle(update);
    res.writeHead(200).end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
