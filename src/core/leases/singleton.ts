import type { Db } from '../../store/db';
import type { Logger } from '../../util/log';
import type { Scheduler } from '../reminders/runner';
import { acquireLease } from './acquire';
import { assertHolds } from './fence';
import { acquireEveryMs, LeaseLostError, type Lease } from './lease';
import { releaseLease } from './release';

export interface SingletonOptions {
  db: Db;
  name: string;
  /** This instance (HERALD_INSTANCE_ID). */
  holder: string;
  ttlMs: number;
  now: () => number;
  scheduler: Scheduler;
  /** This instance holds the lease now: start the work. */
  onAcquired(lease: Lease): void | Promise<void>;
  /** It does not any more (taken, or not renewed in time): stop the work. */
  onLost(): void | Promise<void>;
  log?: Logger;
}

/**
 * Runs one singleton's work on whichever instance holds its lease. Every `acquireEveryMs` it
 * acquires or renews; the work starts when the lease is won and stops when another instance
 * took it, or when this one could not renew before its lease expired (the database was out of
 * reach: the other may have taken it meanwhile). Transitions run one after another, in order.
 */
export class Singleton {
  private held: Lease | undefined;
  private timer: unknown;
  private running = false;
  private transitions: Promise<void> = Promise.resolve();

  constructor(private readonly o: SingletonOptions) {}

  get name(): string {
    return this.o.name;
  }

  /** The lease while this instance holds it. */
  get lease(): Lease | undefined {
    return this.held;
  }

  /** The check a fenced write makes in its transaction: refused unless this instance still holds the lease. */
  readonly fence = (tx: Parameters<typeof assertHolds>[0]): void => {
    if (!this.held) throw new LeaseLostError({ name: this.o.name, holder: this.o.holder, epoch: 0 });
    assertHolds(tx, this.held);
  };

  /** Tries at once (so a lone instance holds it before anything else starts), then on the interval. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.tick();
  }

  /** One acquire-or-renew; what the timer runs. */
  tick(): void {
    if (!this.running) return;
    const { db, name, holder, ttlMs, now } = this.o;
    try {
      const { lease, mine } = acquireLease(db, name, holder, ttlMs, now());
      if (!mine) this.lose(`${lease.holder} holds it`);
      else if (this.held?.epoch !== lease.epoch) this.win(lease);
      else this.held = lease;
    } catch (err) {
      this.o.log?.warn({ err, lease: name }, `could not renew the ${name} lease`);
      if (this.held && now() >= Date.parse(this.held.expiresAt)) this.lose('it could not be renewed before it expired');
    }
    this.timer = this.o.scheduler.setTimeout(() => this.tick(), acquireEveryMs(ttlMs));
  }

  /** Resolves once the work started or stopped by the transitions so far has. */
  settled(): Promise<void> {
    return this.transitions;
  }

  /** A clean stop: the work stops and the lease is given up, so the other instance takes over at once. */
  async stop(): Promise<void> {
    const held = this.held;
    this.abandon();
    if (held) this.lose('herald is stopping');
    await this.transitions;
    if (held) {
      try {
        releaseLease(this.o.db, held, this.o.now());
      } catch (err) {
        this.o.log?.warn({ err, lease: this.o.name }, `could not release the ${this.o.name} lease; the other instance takes it when it expires`);
      }
    }
  }

  /** Stops trying without stopping the work or releasing: what a process that hangs or dies looks like to the other. */
  abandon(): void {
    this.running = false;
    if (this.timer !== undefined) this.o.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private win(lease: Lease): void {
    // A new epoch while holding an old one: it was lost and won again; the work restarts once.
    if (this.held) this.lose('a newer epoch was taken');
    this.held = lease;
    this.o.log?.info({ lease: lease.name, epoch: lease.epoch }, `this instance holds the ${lease.name} lease`);
    this.then(() => this.o.onAcquired(lease));
  }

  private lose(why: string): void {
    if (!this.held) return;
    const { name, epoch } = this.held;
    this.held = undefined;
    this.o.log?.info({ lease: name, epoch }, `this instance no longer holds the ${name} lease: ${why}`);
    this.then(() => this.o.onLost());
  }

  private then(step: () => void | Promise<void>): void {
    this.transitions = this.transitions.then(step).catch((err: unknown) => this.o.log?.error({ err, lease: this.o.name }, `the ${this.o.name} singleton could not start or stop`));
  }
}
