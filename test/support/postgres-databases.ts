import { PostgresClient } from '../../src/store/postgres/client';

const admins = new Map<string, PostgresClient>();
let made = 0;

/**
 * A new, empty database on the PostgreSQL server at `serverUrl` (an admin URL without a database
 * name, as ./postgres-server.ts's startPostgres gives it); its URL. No vitest here: the benchmark
 * uses it too.
 */
export function createDatabase(serverUrl: string): string {
  let admin = admins.get(serverUrl);
  if (!admin) admins.set(serverUrl, (admin = new PostgresClient(`${serverUrl}/postgres`)));
  const name = `herald_${process.pid}_${++made}_${Date.now().toString(36)}`;
  admin.exec(`CREATE DATABASE ${name}`);
  return `${serverUrl}/${name}`;
}

/** Closes the admin connections createDatabase opened, before the server stops. */
export function closeAdmins(): void {
  for (const a of admins.values()) a.close();
  admins.clear();
}
