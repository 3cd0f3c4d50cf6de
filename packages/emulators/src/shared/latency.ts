import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Delay added before the calls a slow platform is slow on (each emulator picks them: posts and
 * edits, never a long poll). Benchmarks and the sandbox's "slow" set it. It is counted from when
 * the request arrived: the emulator's own work before the wait (reading the body, checking an
 * OAuth signature) is part of the round trip configured, not added to it.
 */
export class Latency {
  private ms: number;

  constructor(ms = 0) {
    this.ms = checked(ms);
  }

  set(ms: number): void {
    this.ms = checked(ms);
  }

  /** Resolves `ms` after `since` (a performance.now() time; now if omitted), at once if that has passed. */
  async wait(since = performance.now()): Promise<void> {
    const left = this.ms - (performance.now() - since);
    if (left > 0) await sleep(left);
  }
}

function checked(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a finite number of milliseconds ≥ 0, not ${ms}`);
  return ms;
}
