/** Timers as Node has them; the tests pass a fake clock of the same shape (the reminders' Scheduler). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: Timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };

/**
 * One job run one at a time: a request made while a run is already waiting joins it, so a burst
 * of requests (deliveries settling together, a flood of commands) costs one run. A failing run is
 * handed to `onError` and does not stop later ones.
 */
export class Coalesced {
  private pending: Promise<void> = Promise.resolve();
  private queued = false;

  constructor(
    private readonly job: () => void | Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  request(): Promise<void> {
    if (this.queued) return this.pending;
    this.queued = true;
    this.pending = this.pending.then(async () => {
      this.queued = false;
      try {
        await this.job();
      } catch (err) {
        this.onError(err);
      }
    });
    return this.pending;
  }

  /** Resolves once every run requested so far, and any it requested in turn, is done. */
  async idle(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.pending) await (seen = this.pending);
  }
}
