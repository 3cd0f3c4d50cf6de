import { sql } from 'drizzle-orm';

/**
 * The database's clock, as ISO-8601 UTC with milliseconds: the format of every `*_at` column and
 * what `new Date().toISOString()` gives, so the two compare as text. One definition for column
 * defaults and for every update that stamps a time.
 */
export const dbNow = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;
