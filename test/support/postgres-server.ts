import type { TestProject } from 'vitest/node';
import { startPostgres } from './embedded-postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server this run started: its admin URL, without a database name. */
    postgresServer: string;
  }
}

/**
 * vitest's global setup for the PostgreSQL tests: one real PostgreSQL for the run
 * (./embedded-postgres.ts). Each test takes its own database on it (./postgres.ts).
 */
export default async function setup(project: TestProject) {
  const server = await startPostgres();
  project.provide('postgresServer', server.url);
  return () => server.stop();
}
