/**
 * How a CLI command ends, documented in the README's Command line section:
 * 0 done; 1 a problem found (a broken audit chain, a bad template) or something the operator must
 * fix first (a setting, a file); 2 a usage mistake (unknown command or option, a bad argument);
 * 70 an unexpected error inside herald (a bug: please report it).
 */
export const EXIT = { ok: 0, problem: 1, usage: 2, internal: 70 } as const;

/** The operator asked for something that cannot be done as asked; one line says what to do instead. */
export class OperatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperatorError';
  }
}

/** The command line itself is wrong (exit 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
