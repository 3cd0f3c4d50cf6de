import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../src/config/load';
import type { Config } from '../../src/config/types';
import { COMMS } from './cast';

export const ROOT = resolve(import.meta.dirname, '../..');

export function tempDir(prefix = 'herald-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The real config loader over the test fixture, with a fresh database file in a temp folder. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    cwd: ROOT,
    readDotenv: false,
    env: {
      HERALD_CONFIG: 'test/fixtures/herald.yaml',
      HERALD_DB_PATH: join(tempDir(), 'herald.db'),
      HERALD_TEMPLATES_DIR: 'templates',
      DISCORD_COMMS_CHANNEL_ID: COMMS.discord,
      TELEGRAM_COMMS_CHAT_ID: COMMS.telegram,
      ...overrides,
    },
  });
}
