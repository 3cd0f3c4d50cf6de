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
    limit.wrote({});
    await limit.take();
    // Only the window's first write moves it: a later one changes nothing.
    await vi.advanceTimersByTimeAsync(100);
    limit.wrote({});
    const { left } = takeAll(limit, 1);
    await vi.advanceTimersByTimeAsync(899);
    expect(left).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(left).toEqual([0]);
  });

  describe("a window's answers", () => {
    // undici's request objects, as the subscription passes them: only their identity matters.
    const request = () => ({});

    /** When a request that found the window (of one) full goes, ms after the window's request left, answered `answerMs` after that. */
    const nextAfterAnswer = async (answerMs: number) => {
      const limit = new GlobalLimit(1, 1030);
      const start = Date.now();
      const first = request();
      await limit.take();
      limit.wrote(first);
      let leftAt = NaN;
      void limit.take().then(() => void (leftAt = Date.now() - start));
      await vi.advanceTimersByTimeAsync(answerMs);
      limit.answered(first);
      await vi.advanceTimersByTimeAsync(2000);
      return leftAt;
    };

    it("a window ends a second after its request's answer when that is sooner than its margin: a pin's after 3 ms, not a post's after 80", async () => {
      expect(await nextAfterAnswer(3)).toBe(1003);
      expect(await nextAfterAnswer(80)).toBe(1030);
    });

    it('the answer to a request written before the window opened says nothing of it', async () => {
      const limit = new GlobalLimit(1, 1030);
      const early = request();
      await limit.take();
      limit.wrote(early);
      // A quiet spell: the next request opens a new window while the first is still unanswered.
      await vi.advanceTimersByTimeAsync(1500);
      await limit.take();
      limit.wrote(request());
      const { left } = takeAll(limit, 1);
      await vi.advanceTimersByTimeAsync(2);
      limit.answered(early);
      await vi.advanceTimersByTimeAsync(1027);
      expect(left).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(left).toEqual([0]);
    });
  });

  describe('follow-ups (pins, crossposts) and the posts herald said are coming', () => {
    /** Records, under `name`, the fake time at which each request was let go. */
    const at: Array<[string, number]> = [];
    beforeEach(() => void (at.length = 0));
    const go = (limit: GlobalLimit, name: string, followUp = false) => void limit.take(null, followUp).then(() => void at.push([name, Date.now()]));

    it('the posts expected keep their room in the window: the follow-up waits for the next one, and no post does', async () => {
      const limit = new GlobalLimit(3, 1000);
      limit.expect(['a', 'b', 'c']);
      go(limit, 'pin of an earlier post', true);
      for (const key of ['a', 'b', 'c']) {
        await vi.advanceTimersByTimeAsync(0);
        limit.posting(key);
        go(limit, key);
      }
      await vi.advanceTimersByTimeAsync(1000);
      expect(at).toEqual([
        ['a', 0],
        ['b', 0],
        ['c', 0],
        ['pin of an earlier post', 1000],
      ]);
    });

    it('a follow-up takes a slot the posts expected leave over, and the last one as soon as the window opens again', async () => {
      const limit = new GlobalLimit(3, 1000);
      limit.expect(['a']);
      go(limit, 'pin 1', true);
      go(limit, 'pin 2', true);
      go(limit, 'pin 3', true);
      await vi.advanceTimersByTimeAsync(0);
      expect(at).toEqual([
        ['pin 1', 0],
        ['pin 2', 0],
      ]);
      limit.posting('a');
      go(limit, 'a');
      await vi.advanceTimersByTimeAsync(1000);
      expect(at).toEqual([
        ['pin 1', 0],
        ['pin 2', 0],
        ['a', 0],
        ['pin 3', 1000],
      ]);
    });

    it('a post that is being sent keeps its room until its request takes it, even from a follow-up asking in between', async () => {
      const limit = new GlobalLimit(2, 1000);
      limit.expect(['a']);
      limit.posting('a');
      go(limit, 'pin 1', true);
      go(limit, 'pin 2', true);
      go(limit, 'a');
      await vi.advanceTimersByTimeAsync(0);
      expect(at).toEqual([
        ['pin 1', 0],
        ['a', 0],
      ]);
    });

    it('a post expected that never comes holds its room only until it expires', async () => {
      const limit = new GlobalLimit(2, 1000);
      limit.expect(['never sent'], 300);
      go(limit, 'pin 1', true);
      go(limit, 'pin 2', true);
      await vi.advanceTimersByTimeAsync(299);
      expect(at).toEqual([['pin 1', 0]]);
      await vi.advanceTimersByTimeAsync(1);
      expect(at).toEqual([
        ['pin 1', 0],
        ['pin 2', 300],
      ]);
    });

    it('with nothing expected a follow-up is an ordinary request, but one that waits goes after the other requests waiting', async () => {
      const limit = new GlobalLimit(1, 1000);
      go(limit, 'pin 1', true);
      go(limit, 'pin 2', true);
      go(limit, 'reply');
      await vi.advanceTimersByTimeAsync(2000);
      expect(at).toEqual([
        ['pin 1', 0],
        ['reply', 1000],
        ['pin 2', 2000],
      ]);
    });
  });
});
