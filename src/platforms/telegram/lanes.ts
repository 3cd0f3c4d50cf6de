import type { Logger } from '../../util/log';

/**
 * One queue per chat, so herald's messages into a chat keep their order (a preview's header
 * before its statement) while a handler returns at once and the next update is read. Each
 * queue is bounded: past the bound a task is dropped and logged rather than piling up.
 */
export class Lanes {
  private readonly tails = new Map<string, { tail: Promise<void>; queued: number }>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly log: Logger,
    private readonly maxQueued = 50,
  ) {}

  run(key: string, what: string, task: () => Promise<void>): void {
    const lane = this.tails.get(key) ?? { tail: Promise.resolve(), queued: 0 };
    if (lane.queued >= this.maxQueued) {
      this.log.error({ chat: key, what }, 'too many Telegram messages waiting for this chat; this one is dropped');
      return;
    }
    lane.queued++;
    const run = lane.tail.then(task).catch((err: unknown) => this.log.error({ err, chat: key, what }, 'a Telegram reply could not be sent'));
    lane.tail = run.finally(() => {
      lane.queued--;
      if (lane.queued === 0 && this.tails.get(key) === lane) this.tails.delete(key);
    });
    this.tails.set(key, lane);
    this.track(lane.tail);
  }

  /** Any other background work that shutdown should wait for. */
  track(work: Promise<unknown>): void {
    const p = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Resolves when nothing is queued, or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((r) => (timer = setTimeout(r, Math.max(1, deadline - Date.now()))));
      await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
      clearTimeout(timer);
    }
  }
}
