import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GlobalLimit } from '../../../src/platforms/discord/global-limit';

describe('the bot-wide Discord limit both REST clients share', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  const takeAll = (limit: GlobalLimit, n: number, signal?: AbortSignal) => {
    const left: number[] = [];
    const all = Array.from({ length: n }, (_, i) =>
      limit.take(signal).then(
        () => void left.push(i),
        () => undefined,
      ),
    );
    return { left, all };
  };

  it('lets a burst of the limit go at once and the rest once the window (plus the margin) is over, in order', async () => {
    const limit = new GlobalLimit(3, 1020);
    const { left } = takeAll(limit, 7);
    await vi.advanceTimersByTimeAsync(0);
    expect(left).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(1019);
    expect(left).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(1);
    expect(left).toEqual([0, 1, 2, 3, 4, 5]);
    await vi.advanceTimersByTimeAsync(1020);
    expect(left).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('a window opens with its first request: requests spread over it all wait for its end, then go together', async () => {
    const limit = new GlobalLimit(2, 1000);
    await limit.take();
    await vi.advanceTimersByTimeAsync(600);
    await limit.take();
    const { left } = takeAll(limit, 3);
    await vi.advanceTimersByTimeAsync(399);
    expect(left).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(left).toEqual([0, 1]);
    // The next window opened when those two left: the third waits for its end, not for theirs to age out one by one.
    await vi.advanceTimersByTimeAsync(999);
    expect(left).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(left).toEqual([0, 1, 2]);
  });

  it('a request after a quiet spell opens a new window at once', async () => {
    const limit = new GlobalLimit(1, 1000);
    await limit.take();
    await vi.advanceTimersByTimeAsync(5000);
    const { left } = takeAll(limit, 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(left).toEqual([0]);
  });

  it('a request given up while it waits (its timeout) neither leaves nor holds a slot', async () => {
    const limit = new GlobalLimit(1, 1000);
    await limit.take();
    const gaveUp = new AbortController();
    const waiting = limit.take(gaveUp.signal);
    const { left } = takeAll(limit, 1);
    gaveUp.abort(new Error('timed out'));
    await expect(waiting).rejects.toThrow('timed out');
    await vi.advanceTimersByTimeAsync(1000);
    expect(left).toEqual([0]);
  });

  it('a window starts when its first request is written, not when it was let go: the next one waits for that start and a second', async () => {
    const limit = new GlobalLimit(2, 1000);
    await limit.take();
    // herald's loop was busy for 30 ms (a commit) before the request's bytes left.
    await vi.advanceTimersByTimeAsync(30);
    limit.wrote();
    await limit.take();
    // Only the window's first write moves it: a later one changes nothing.
    await vi.advanceTimersByTimeAsync(100);
    limit.wrote();
    const { left } = takeAll(limit, 1);
    await vi.advanceTimersByTimeAsync(899);
    expect(left).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(left).toEqual([0]);
  });
});
