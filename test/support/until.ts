export interface UntilOptions {
  /** What the test waits for, named in the failure; a function for a description of the last state seen. */
  what: string | (() => string);
  /** The bound, so a broken test fails instead of hanging (default 10 s). */
  timeoutMs?: number;
  /** How often the condition is checked again (default 10 ms). */
  everyMs?: number;
}

/**
 * Resolves with the condition's first truthy value. The one poller of the tests: they settle on a
 * real condition (a row, a message, a recorded request), never on the passing of time.
 */
export async function until<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, opts: UntilOptions): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${typeof opts.what === 'string' ? opts.what : opts.what()}`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 10));
  }
}
