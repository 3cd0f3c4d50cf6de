import { describe, expect, it } from 'vitest';
import { fastClock } from '../../src/sandbox/clock';
import { FakeClock } from '../support/clock';

describe("the sandbox's fast clock", () => {
  it('runs N times faster than the clock beneath it, and its timers fire N times sooner', () => {
    const base = new FakeClock();
    const start = base.now();
    const fast = fastClock(30, base);
    const fired: number[] = [];
    fast.setTimeout(() => fired.push(fast.now()), 15 * 60_000);
    base.advance(29_999);
    expect(fired).toEqual([]);
    base.advance(1);
    // Half a minute beneath is a quarter of an hour in the sandbox.
    expect(fired).toEqual([start + 15 * 60_000]);
    const cancelled = fast.setTimeout(() => fired.push(-1), 60_000);
    fast.clearTimeout(cancelled);
    base.advance(10_000);
    expect(fired).toHaveLength(1);
    expect(fast.now()).toBe(start + 20 * 60_000);
  });
});
