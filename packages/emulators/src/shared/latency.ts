import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Delay added before the calls a slow platform is slow on (each emulator picks them: posts and
 * edits, never a long poll). Benchmarks and the sandbox's "slow" set it.
 */
export class Latency {
  private ms: number;

  constructor(ms = 0) {
    this.ms = checked(ms);
  }

  set(ms: number): void {
    this.ms = checked(ms);
  }

  async wait(): Promise<void> {
    if (this.ms > 0) await sleep(this.ms);
  }
}

function checked(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a finite number of milliseconds ≥ 0, not ${ms}`);
  return ms;
}
