import { inject } from 'vitest';
import { createDatabase } from './postgres-databases';

/** Whether this test file runs on PostgreSQL: the `postgres` vitest project sets it (vitest.config.ts). */
export const onPostgres = () => process.env.HERALD_TEST_ENGINE === 'postgres';

/** A new, empty database on the run's PostgreSQL server (./postgres-server.ts); its URL. */
export function freshPostgresUrl(): string {
  const server = inject('postgresServer');
  if (!server) throw new Error('no PostgreSQL server in this run: the test belongs in the postgres project of vitest.config.ts');
  return createDatabase(server);
}
