import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL engine's migrations (`npm run db:generate:postgres`); drizzle.config.ts has SQLite's. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/postgres/schema.ts',
  out: './migrations/postgres',
});
