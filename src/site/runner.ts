import type { Core } from '../core/core';
import type { Checkpoint } from '../trust/checkpoint';
import type { PublicKey } from '../trust/keys';
import type { RetiredKey } from '../trust/rotate';
import { publishedSignatures } from '../trust/published';
import type * as Build from './build';
import { siteModel } from './model';
import { Coalesced, REAL_TIMERS, type Timers } from '../util/coalesced';

/** Node's timers overflow past 2^31 ms. */
const MAX_SLEEP_MS = 6 * 3_600_000;

/**
 * Keeps the status site in `dir` up to date: rebuilt when asked (after each broadcast,
 * correction, retraction, resolution and command), coalescing requests that arrive together,
 * and when an open incident's promised update falls due, so "overdue" appears on time.
 */
export class SiteRunner {
  private readonly work = new Coalesced(
    async () => {
      // A build is milliseconds of synchronous work: the posts a command started go out, and
      // their answers are recorded, first.
      await this.ready();
      await this.build();
    },
    (err) => this.onError(err),
  );
  private timer: unknown;
  private stopped = false;

  constructor(
    private readonly core: Core,
    readonly dir: string,
    private readonly trust: () => { keys: PublicKey[]; retired: RetiredKey[]; checkpoint: Checkpoint | undefined },
    private readonly scheduler: Timers = REAL_TIMERS,
    /** A build that failed (the folder unwritable, the disk full): the next request tries again. */
    private readonly onError: (err: unknown) => void = () => {},
    /** A build that changed files is in `dir`: what publishes it (the publications' outbox). */
    private readonly onBuilt: () => void = () => {},
    /** Resolves once the deliveries started so far are out and none waits on a platform (DeliveryWorker.quiet). */
    private readonly ready: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /** Asks for a rebuild; resolves once it is written. */
  kick(): Promise<void> {
    return this.stopped ? this.work.idle() : this.work.request();
  }

  idle(): Promise<void> {
    return this.work.idle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.scheduler.clearTimeout(this.timer);
    await this.idle();
  }

  // The builder (pages, feeds and their libraries) is loaded at the first build, not at every
  // start: herald without a status site never needs it, and it costs a few MB of memory held for good.
  private async build(): Promise<void> {
    const { siteFiles, warmRenderers, writeSite }: typeof Build = await import('./build');
    const now = new Date(this.core.now());
    const model = siteModel(this.core.db, this.core.config, now);
    const written = writeSite(this.dir, siteFiles({ model, ...this.trust(), signatures: publishedSignatures(this.core.db) }));
    if (written.length) this.onBuilt();
    // Once, after the start's own build: the first statement's build then skips the compiling.
    warmRenderers();
    const next = model.incidents.flatMap((i) => (i.nextUpdate && !i.nextUpdate.overdue ? [Date.parse(i.nextUpdate.dueAt)] : [])).sort((a, b) => a - b)[0];
    this.scheduler.clearTimeout(this.timer);
    if (next !== undefined && !this.stopped) this.timer = this.scheduler.setTimeout(() => void this.kick(), Math.min(Math.max(next - now.getTime(), 0) + 1, MAX_SLEEP_MS));
  }
}
