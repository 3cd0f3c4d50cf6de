import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';

// The environment and its one-line errors, apart from the config file's loader (./load.ts, with
// YAML and the link guard): the commands that need only the environment (audit, keys, verify)
// load this alone.

/** A configuration problem: one line naming the setting and what it expects. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The environment with `.env` underneath it: a variable set for real wins over the file. */
export function readEnvironment(options: { env?: NodeJS.ProcessEnv; cwd?: string; readDotenv?: boolean } = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...(options.env ?? process.env) };
  const dotenvPath = resolve(options.cwd ?? process.cwd(), '.env');
  if (options.readDotenv !== false && existsSync(dotenvPath)) {
    for (const [k, v] of Object.entries(parseDotenv(readFileSync(dotenvPath)))) env[k] ??= v;
  }
  return env;
}

/** The password inside HERALD_DATABASE_URL, kept out of logs on its own too (a driver may quote it alone). */
export function databasePassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
