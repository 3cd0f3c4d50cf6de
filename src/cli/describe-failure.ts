import { ConfigError } from '../config/environment';
import { TemplateLibraryError } from '../core/templates/library-error';
import { PlatformStartError } from '../app/errors';
import { redact } from '../util/redact';
import { KeyFileError } from '../trust/keys';
import { PostgresError } from '../store/postgres/client';
import { CliFailure, EXIT } from './failure';

// Apart from ./failure.ts, which every command imports: what this file imports (the config
// loader, the PostgreSQL client, the keys) is loaded only once a command has failed.

/** The one line and the exit code for an error that reached the top. */
export function describeFailure(err: unknown): { line: string; code: number } {
  const message = redact(err instanceof Error ? err.message : String(err)).split('\n')[0]!;
  if (err instanceof CliFailure) return { line: message, code: err.exitCode };
  if (err instanceof PlatformStartError) return { line: message, code: EXIT.platform };
  if (err instanceof ConfigError || err instanceof TemplateLibraryError || err instanceof KeyFileError) return { line: message, code: EXIT.problem };
  if (err instanceof PostgresError) {
    return { line: `HERALD_DATABASE_URL: the PostgreSQL database cannot be used (${message}); check the URL, the server and the password`, code: EXIT.badFile };
  }
  if (err instanceof Error && /^SQLITE_/u.test(String((err as { code?: unknown }).code))) {
    return { line: `HERALD_DB_PATH: the database cannot be used (${message}); point HERALD_DB_PATH at herald's database file`, code: EXIT.badFile };
  }
  return { line: `unexpected error: ${message} (please report it; HERALD_LOG_LEVEL=debug logs more)`, code: EXIT.internal };
}
