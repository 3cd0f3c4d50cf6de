import { inject } from 'vitest';
import { PostgresClient } from '../../src/store/postgres/client';

/** Whether this test file runs on PostgreSQL: the `postgres` vitest project sets it (vitest.config.ts). */
export const onPostgres = () => process.env.HERALD_TEST_ENGINE === 'postgres';

let admin: PostgresClient | undefined;
let made = 0;

/** A new, empty database on the run's PostgreSQL server (./postgres-server.ts); its URL. */
export function freshPostgresUrl(): string {
  const server = inject('postgresServer');
  if (!server) throw new Error('no PostgreSQL server in this run: the test belongs in the postgres project of vitest.config.ts');
  admin ??= new PostgresClient(`${server}/postgres`);
  const name = `herald_${process.pid}_${++made}_${Date.now().toString(36)}`;
  admin.exec(`CREATE DATABASE ${name}`);
  return `${server}/${name}`;
}
