import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../src/config/load';
import type { Config } from '../../src/config/types';
import { COMMS } from './cast';
import { freshPostgresUrl, onPostgres } from './postgres';

export const ROOT = resolve(import.meta.dirname, '../..');

export function tempDir(prefix = 'herald-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The real config loader over the test fixture, with a fresh database file (and signing key and checkpoint paths) in a temp folder. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const dir = tempDir();
  return loadConfig({
    cwd: ROOT,
    readDotenv: false,
    env: {
      HERALD_CONFIG: 'test/fixtures/herald.yaml',
      HERALD_DB_PATH: join(dir, 'herald.db'),
      // The signing key and checkpoints live beside the database, never in the repository's data/.
      HERALD_SIGNING_KEY_FILE: join(dir, 'keys', 'signing.key'),
      HERALD_CHECKPOINTS_FILE: join(dir, 'checkpoints.jsonl'),
      HERALD_TEMPLATES_DIR: 'templates',
      DISCORD_COMMS_CHANNEL_ID: COMMS.discord,
      TELEGRAM_COMMS_CHAT_ID: COMMS.telegram,
      // The postgres project runs the same tests on a database of its own on the run's PostgreSQL.
      ...(onPostgres() && !overrides.HERALD_DATABASE_URL ? { HERALD_DATABASE_URL: freshPostgresUrl() } : {}),
      ...overrides,
    },
  });
}
