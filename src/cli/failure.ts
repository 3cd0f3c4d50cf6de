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
