import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HeraldMetrics } from './metrics';
import { readiness, type OpsSources } from './sources';

export interface OpsServer {
  /** e.g. http://127.0.0.1:9464 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `GET /healthz` (the process answers), `GET /readyz` (JSON: database, platforms, deliveries,
 * role; 503 until ready) and `GET /metrics` (Prometheus text) on HERALD_HTTP_PORT.
 */
export async function startOpsServer(options: { host: string; port: number; sources: OpsSources; metrics: HeraldMetrics }): Promise<OpsServer> {
  const { sources, metrics } = options;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://herald').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'only GET is served here\n', { allow: 'GET, HEAD' });
    if (path === '/healthz') return send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
    if (path === '/readyz') {
      const r = readiness(sources);
      return send(res, r.ready ? 200 : 503, 'application/json; charset=utf-8', `${JSON.stringify(r, null, 2)}\n`);
    }
    if (path === '/metrics') {
      metrics.text().then(
        (text) => send(res, 200, metrics.contentType, text),
        (err: unknown) => send(res, 500, 'text/plain; charset=utf-8', `metrics could not be collected: ${(err as Error).message}\n`),
      );
      return;
    }
    send(res, 404, 'text/plain; charset=utf-8', 'not found; herald serves /healthz, /readyz and /metrics\n');
  });
  // Prometheus and health checkers keep connections open; they must not hold up a stop.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
