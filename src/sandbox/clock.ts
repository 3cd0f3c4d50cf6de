import type { Scheduler } from '../core/reminders/runner';

/** What herald's core takes as its time: `now` for incidents and promises, the scheduler for reminders. */
export interface Clock extends Scheduler {
  now(): number;
}

export const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Enough that "in 30 minutes" brings its first reminder (15 minutes before) within 30 s, and is due after a minute. */
export const DEFAULT_FAST_CLOCK = 30;
export const MAX_FAST_CLOCK = 600;

export interface FastClock extends Clock {
  factor: number;
}

/**
 * Sandbox time that runs `factor` times faster than `base` from the moment it is made, so that a
 * person trying herald sees a promise come due in a minute instead of half an hour. Only the
 * core's clock runs fast (promises, reminders, incident times); deliveries and retries keep real
 * time, as the emulators do. A test passes a fake `base` and moves that.
 */
export function fastClock(factor: number, base: Clock = REAL_CLOCK): FastClock {
  const start = base.now();
  return {
    factor,
    now: () => Math.floor(start + (base.now() - start) * factor),
    // Rounded up: a timer that fired a moment early would find nothing due and sleep again.
    setTimeout: (fn, ms) => base.setTimeout(fn, Math.ceil(ms / factor)),
    clearTimeout: (h) => base.clearTimeout(h),
  };
}
