import type { SiteDestination } from '../../config/types';
import { writeTx } from '../../store/db';
import { redact } from '../../util/redact';
import type { Timers } from '../../util/coalesced';
import type { Core } from '../core';
import { backoffMs } from '../delivery/backoff';
import { markPublished, markPublishFailed, publicationOf, recordPublishRetry, wantBuild } from './record';
import type { Fence } from '../leases/fence';
import { LeaseLostError } from '../leases/lease';
import type { Tx } from '../../store/db';

/**
 * Publishes the status site's current build to one destination, and says where it can be seen.
 * The adapter (src/site/ship.ts) copies or pushes; everything else (when, how often, giving up)
 * is decided here. Throwing means this attempt failed.
 */
export interface SiteShipper {
  publish(destination: SiteDestination): Promise<{ link: string | null }>;
}

/** Node's timers overflow past 2^31 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The outbox of the status site: each destination publishes on its own, so a folder that cannot
 * be written delays neither the git branch nor any chat platform. Retries follow the delivery
 * settings (backoff with jitter, max_attempts), on the scheduler tests drive.
 */
export class PublicationWorker {
  private readonly running = new Map<string, Promise<void>>();
  private readonly timers = new Map<string, unknown>();
  private stopped = false;
  /** With two instances, only the holder of the `site-publisher` lease publishes; its writes are fenced by it. */
  private holding = true;
  private fence: Fence = () => {};

  constructor(
    private readonly core: Core,
    private readonly shipper: SiteShipper,
    private readonly destinations: SiteDestination[],
    private readonly scheduler: Timers,
    private readonly random: () => number = Math.random,
  ) {}

  /** A build that changed the site is in its folder: every destination wants it. */
  built(): void {
    if (this.stopped || !this.holding || !this.destinations.length) return;
    this.write((tx) => wantBuild(tx, this.destinations.map((d) => d.id), this.iso()));
    this.changed();
    this.kick();
  }

  /** Starts every destination that waits and is due; one in its backoff is woken when due (after a restart too). */
  kick(): void {
    if (this.stopped || !this.holding) return;
    for (const d of this.destinations) {
      if (this.running.has(d.id)) continue;
      const row = publicationOf(this.core.db, d.id);
      if (row?.status !== 'pending') continue;
      const wait = row.notBefore ? Date.parse(row.notBefore) - this.core.now() : 0;
      this.scheduler.clearTimeout(this.timers.get(d.id));
      if (wait > 0) {
        this.timers.set(d.id, this.scheduler.setTimeout(() => this.kick(), Math.min(wait, MAX_TIMER_MS)));
        continue;
      }
      const run = this.publish(d).finally(() => {
        this.running.delete(d.id);
        this.kick();
      });
      this.running.set(d.id, run);
    }
  }

  /** Resolves when no publication is in flight (one waiting out its backoff is not). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  /** The site-publisher lease was won (with its fence) or lost: publishing starts, or stops after what is in flight. */
  hold(fence: Fence | undefined): void {
    this.holding = fence !== undefined;
    this.fence = fence ?? (() => {});
    if (!this.holding) for (const t of this.timers.values()) this.scheduler.clearTimeout(t);
    else this.kick();
  }

  /** A bookkeeping write, refused (LeaseLostError) once another instance took the site-publisher lease. */
  private write(fn: (tx: Tx) => void): void {
    writeTx(this.core.db, (tx) => {
      this.fence(tx);
      fn(tx);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) this.scheduler.clearTimeout(t);
    await this.idle();
  }

  /** Another instance took the site-publisher lease meanwhile: it publishes, and this attempt records nothing. */
  private publish(d: SiteDestination): Promise<void> {
    return this.attempt(d).catch((err: unknown) => {
      if (!(err instanceof LeaseLostError)) throw err;
    });
  }

  private async attempt(d: SiteDestination): Promise<void> {
    const row = publicationOf(this.core.db, d.id)!;
    const { max_attempts, base_delay_ms, max_delay_ms } = this.core.config.delivery;
    try {
      const { link } = await this.shipper.publish(d);
      this.write((tx) => markPublished(tx, d.id, row.version, link, this.iso()));
    } catch (err) {
      if (err instanceof LeaseLostError) throw err;
      const attempt = row.attempts + 1;
      const reason = redact(String((err as Error)?.message ?? err));
      if (attempt >= max_attempts) {
        this.write((tx) => markPublishFailed(tx, d.id, attempt, `${reason}; gave up after ${attempt} attempts`, this.iso()));
      } else {
        const wait = backoffMs(attempt, base_delay_ms, max_delay_ms, this.random);
        const at = new Date(this.core.now() + wait).toISOString();
        this.write((tx) => recordPublishRetry(tx, d.id, attempt, reason, at, this.iso()));
      }
    }
    this.changed();
  }

  private iso(): string {
    return new Date(this.core.now()).toISOString();
  }

  /** The previews of the latest statements show the destinations: they are refreshed. */
  private changed(): void {
    this.core.events.emit('sitePublicationChanged');
  }
}
