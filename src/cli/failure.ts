import { ConfigError } from '../config/load';
import { TemplateLibraryError } from '../core/templates/library-error';
import { PlatformStartError } from '../app/errors';
import { redact } from '../util/redact';
import { KeyFileError } from '../trust/keys';
import { PostgresError } from '../store/postgres/client';

/**
 * What an operator can get wrong ends in one line on stderr and an exit code a script can test;
 * never a stack trace. The codes are listed in the README (Command line).
 */
export const EXIT = {
  ok: 0,
  /** A problem found (a broken audit chain, a bad template) or a bad setting. */
  problem: 1,
  /** A usage mistake: unknown command or option (commander's own). */
  usage: 2,
  /** A platform refused herald's credentials (401). One that cannot be reached is retried in the background instead. */
  platform: 3,
  /** A file herald was pointed at is not what it should be: not a database, a damaged row. */
  badFile: 4,
  /** A fault in herald itself. */
  internal: 70,
} as const;

export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

/** The operator asked for something that cannot be done as asked (exit 1); the line says what to do instead. */
export class OperatorError extends CliFailure {
  constructor(message: string) {
    super(message, EXIT.problem);
  }
}

/** The command line itself is wrong (exit 2). */
export class UsageError extends CliFailure {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

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
