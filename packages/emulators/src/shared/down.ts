import type { Server } from 'node:http';

/**
 * How an unreachable platform looks to its client: 'reset' cuts every connection (the client
 * sees ECONNRESET), the others are answers from a front that cannot reach the API behind it
 * (Telegram's nginx 502 page, Discord's 503).
 */
export type DownMode = 'reset' | 'badGateway' | 'unavailable';

/** The whole platform taken away, as the sandbox's "down" and the outage tests do. */
export class Down {
  private mode: DownMode | false = false;

  constructor(private readonly server: Server) {
    // A connection opened during an outage is cut before any request on it is read.
    server.on('connection', (socket) => {
      if (this.mode === 'reset') socket.destroy();
    });
  }

  set(down: boolean, mode: DownMode): void {
    this.mode = down ? mode : false;
    // Calls already in flight (a long poll, a kept-alive socket) fail too, as in an outage.
    if (this.mode === 'reset') this.server.closeAllConnections();
  }

  /** The current outage, or false while the platform is up. */
  get current(): DownMode | false {
    return this.mode;
  }
}
