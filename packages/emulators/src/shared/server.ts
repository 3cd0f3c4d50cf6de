import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on 127.0.0.1 on an ephemeral port (a test never reaches beyond loopback). */
export async function listenLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Closes the server now: held and kept-alive connections are cut instead of waited for. */
export async function closeNow(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Never answers: the connection stays open until the client gives up, the emulator closes, or
 * (when given) destroyAfterMs passes and it is cut.
 */
export function holdOpen(res: ServerResponse, destroyAfterMs?: number): void {
  if (destroyAfterMs === undefined) return;
  const timer = setTimeout(() => res.socket?.destroy(), destroyAfterMs);
  res.once('close', () => clearTimeout(timer));
}
