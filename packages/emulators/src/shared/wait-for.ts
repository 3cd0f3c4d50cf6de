import type { EventEmitter } from 'node:events';

export interface WaitOptions {
  /** The emulator's events after which the check runs again. */
  events: readonly string[];
  timeoutMs: number;
  /** Who is waiting, for the failure message: "discord emulator". */
  who: string;
  /** What the emulator saw, for the failure message (its last requests). */
  context(): string;
  /** The condition as the test wrote it, when `check` wraps it: its source is the failure message's. */
  condition?: (...args: never[]) => unknown;
  /** Also re-check this often, for state that changes without an event (gateway sessions). */
  pollMs?: number;
}

/**
 * Resolves with the check's first truthy result, evaluated now and after each of the events;
 * rejects when the check throws, or after timeoutMs with what was awaited and what was seen.
 */
export function waitFor<T>(emitter: EventEmitter, check: () => T | undefined | null | false, opts: WaitOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      for (const e of opts.events) emitter.off(e, probe);
    };
    const probe = () => {
      let value: T | undefined | null | false;
      try {
        value = check();
      } catch (error) {
        finish();
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (value) {
        finish();
        resolve(value);
      }
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`${opts.who}: waitFor(${source(opts.condition ?? check)}) was not met within ${opts.timeoutMs} ms; ${opts.context()}`));
    }, opts.timeoutMs);
    const poll = opts.pollMs ? setInterval(probe, opts.pollMs) : undefined;
    for (const e of opts.events) emitter.on(e, probe);
    probe();
  });
}

/** The awaited condition as written, on one line and short enough to read in a test report. */
function source(check: (...args: never[]) => unknown): string {
  const text = check.toString().replace(/\s+/g, ' ');
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
