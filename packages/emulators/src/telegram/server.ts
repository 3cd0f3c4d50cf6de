import http from 'node:http';
import { Down } from '../shared/down';
import { holdOpen, listenLoopback } from '../shared/server';
import { BodyError, parseBody, readRequestBody } from './params';
import { nginxPage, type BotApi, type Outcome } from './bot-api';
import { unauthorized } from './api-errors';
import type { ApiResponseBody } from './types';

/**
 * The HTTP face: /bot<token>/<method> (telegraf's testEnv adds /test before the
 * method). The token is checked here and never stored. Answers carry Telegram's JSON
 * with the HTTP status equal to error_code, as api.telegram.org does.
 */

const ROUTE = /^\/bot([^/]*)\/(?:test\/)?([^/]*)$/;

function writeJson(res: http.ServerResponse, status: number, body: ApiResponseBody) {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function writeOutcome(res: http.ServerResponse, outcome: Outcome) {
  if (outcome.kind === 'reset') {
    res.socket?.destroy();
    return;
  }
  if (outcome.kind === 'hang') {
    holdOpen(res, outcome.destroyAfterMs);
    return;
  }
  if (outcome.html !== undefined) {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(outcome.status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(outcome.html) });
    res.end(outcome.html);
    return;
  }
  writeJson(res, outcome.status, outcome.body);
}

export async function startServer(core: BotApi, token: string): Promise<{ server: http.Server; port: number; down: Down }> {
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      core.emit('emulatorError', error);
      writeJson(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
    });
  });
  const down = new Down(server);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = ROUTE.exec(url.pathname);
    if (down.current === 'badGateway') {
      const html = nginxPage(502);
      res.writeHead(502, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(html) });
      res.end(html);
      return;
    }
    if (!route) {
      writeJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
    const body = await readRequestBody(req);
    let parsed;
    try {
      parsed = parseBody(url.searchParams, req.headers['content-type'], body);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      writeJson(res, 400, { ok: false, error_code: 400, description: `Bad Request: ${error.message}` });
      return;
    }
    // The method may come in the path or as a parameter (telegraf repeats it in multipart bodies).
    const method = route[2] || String(parsed.params.method ?? '');
    delete parsed.params.method;
    if (route[1] !== token) {
      // Recorded without the token, so a test can see a misconfigured client knocking.
      const error = unauthorized();
      core.recordRefused(method, parsed.contentType, error);
      writeJson(res, 401, error.body());
      return;
    }
    const outcome = await core.dispatch(method, parsed.params, { via: 'http', contentType: parsed.contentType, closed });
    writeOutcome(res, outcome);
  }

  return { server, port: await listenLoopback(server), down };
}
