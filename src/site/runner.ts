import type { Core } from '../core/core';
import type { Scheduler } from '../core/reminders/runner';
import type { Checkpoint } from '../trust/checkpoint';
import type { PublicKey } from '../trust/keys';
import { publishedSignatures } from '../trust/published';
import { siteFiles, writeSite } from './build';
import { siteModel } from './model';

const REAL: Scheduler = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
/** Node's timers overflow past 2^31 ms. */
const MAX_SLEEP_MS = 6 * 3_600_000;

/**
 * Keeps the status site in `dir` up to date: rebuilt when asked (after each broadcast,
 * correction, retraction, resolution and command), coalescing requests that arrive together,
 * and when an open incident's promised update falls due, so "overdue" appears on time.
 */
export class SiteRunner {
  private pending: Promise<void> = Promise.resolve();
  private queued = false;
  private timer: unknown;
  private stopped = false;

  constructor(
    private readonly core: Core,
    readonly dir: string,
    private readonly trust: () => { keys: PublicKey[]; checkpoint: Checkpoint | undefined },
    private readonly scheduler: Scheduler = REAL,
  ) {}

  /** Asks for a rebuild; resolves once it is written. */
  kick(): Promise<void> {
    if (this.stopped) return this.pending;
    if (this.queued) return this.pending;
    this.queued = true;
    this.pending = this.pending.then(() => {
      this.queued = false;
      try {
        this.build();
      } catch (err) {
        this.core.events.emit('auditFailed', err, 'status_site.build');
      }
    });
    return this.pending;
  }

  async idle(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.pending) await (seen = this.pending);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.scheduler.clearTimeout(this.timer);
    await this.idle();
  }

  private build(): void {
    const now = new Date(this.core.now());
    const model = siteModel(this.core.db, this.core.config, now);
    const { keys, checkpoint } = this.trust();
    writeSite(this.dir, siteFiles({ model, keys, checkpoint, signatures: publishedSignatures(this.core.db) }));
    const next = model.incidents.flatMap((i) => (i.nextUpdate && !i.nextUpdate.overdue ? [Date.parse(i.nextUpdate.dueAt)] : [])).sort((a, b) => a - b)[0];
    this.scheduler.clearTimeout(this.timer);
    if (next !== undefined && !this.stopped) this.timer = this.scheduler.setTimeout(() => void this.kick(), Math.min(Math.max(next - now.getTime(), 0) + 1, MAX_SLEEP_MS));
  }
}
