import type { Core } from '../core/core';
import type { Scheduler } from '../core/reminders/runner';
import { auditHeadRow } from '../audit/head';
import { appendCheckpoint, makeCheckpoint, readLastCheckpoint, type Checkpoint } from './checkpoint';
import type { SigningKey } from './keys';
import { signPosted } from './sign';

const REAL: Scheduler = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
export const CHECKPOINT_EVERY_MS = 3_600_000;

/**
 * Signs what herald posted and checkpoints the audit head: after every delivery attempt settles
 * (so after every broadcast), once at start (catching up on a crash between a post and its
 * signature) and every hour on the core's clock. Work that arrives together runs once.
 * `after` runs when something was signed or checkpointed: the status site rebuilds there.
 */
export class TrustRunner {
  private pending: Promise<void> = Promise.resolve();
  private queued = false;
  private timer: unknown;
  private started = false;
  private readonly after: Array<() => void | Promise<void>> = [];

  constructor(
    private readonly core: Core,
    readonly key: SigningKey,
    private readonly scheduler: Scheduler = REAL,
  ) {}

  /** The checkpoint last written to the local file. */
  latest(): Checkpoint | undefined {
    return readLastCheckpoint(this.core.config.paths.checkpoints);
  }

  onUpdate(fn: () => void | Promise<void>): void {
    this.after.push(fn);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.core.events.on('deliveryAttempted', this.onAttempt);
    this.run(true);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.core.events.off('deliveryAttempted', this.onAttempt);
    this.scheduler.clearTimeout(this.timer);
    await this.idle();
  }

  /** Resolves once everything asked for so far is signed and checkpointed. */
  async idle(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.pending) await (seen = this.pending);
  }

  private readonly onAttempt = (a: { outcome: string }) => {
    if (a.outcome !== 'retrying') this.run(false);
  };

  private hourly(): void {
    this.scheduler.clearTimeout(this.timer);
    if (this.started) this.timer = this.scheduler.setTimeout(() => this.run(true), CHECKPOINT_EVERY_MS);
  }

  /** `always`: write a checkpoint even when the head has not moved (the hourly one says herald is still there). */
  private run(always: boolean): void {
    if (this.queued && !always) return;
    this.queued = true;
    this.pending = this.pending.then(async () => {
      this.queued = false;
      try {
        this.core.audit.flush();
        const signed = signPosted(this.core.db, this.key);
        const last = this.latest();
        const head = auditHeadRow(this.core.db);
        const moved = !last || last.seq !== head.seq || last.hash !== head.hash;
        if (always || moved) appendCheckpoint(this.core.config.paths.checkpoints, makeCheckpoint(this.core.db, this.key, new Date(this.core.now())));
        if (always) this.hourly();
        if (signed || always || moved) for (const fn of this.after) await fn();
      } catch (err) {
        this.core.events.emit('auditFailed', err, 'statement.signed');
      }
    });
  }
}
