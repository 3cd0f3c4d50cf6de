import type { Scheduler } from '../../src/core/reminders/runner';

/**
 * The clock the core's tests give herald: it moves only when a test moves it, and it is the
 * reminder runner's scheduler too, so a timer fires when the test moves the clock past it.
 * It starts at 14:00 UTC, so that values like `within 60 minutes (by 15:00 UTC)` are promises
 * an hour ahead.
 */
export class FakeClock implements Scheduler {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start: string | number = '2026-06-01T14:00:00.000Z') {
    this.t = typeof start === 'number' ? start : Date.parse(start);
  }

  readonly now = (): number => this.t;

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** When each pending timer fires, earliest first. */
  timerAts(): number[] {
    return [...this.timers.values()].map((t) => t.at).sort((a, b) => a - b);
  }

  /** When the earliest pending timer fires, if any. */
  nextTimerAt(): number | undefined {
    const ats = [...this.timers.values()].map((t) => t.at);
    return ats.length ? Math.min(...ats) : undefined;
  }

  /** Moves the clock by `ms`, firing each timer that comes due, earliest first. */
  advance(ms: number): void {
    this.set(this.t + ms);
  }

  set(to: number): void {
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= to).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
    }
    this.t = to;
  }
}
