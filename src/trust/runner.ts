import type { Core } from '../core/core';
import { auditHeadRow } from '../audit/head';
import { Coalesced, REAL_TIMERS, type Timers } from '../util/coalesced';
import { appendCheckpoint, makeCheckpoint, readLastCheckpoint, type Checkpoint } from './checkpoint';
import type { SigningKey } from './keys';
import { signPosted } from './sign';

export const CHECKPOINT_EVERY_MS = 3_600_000;

/**
 * Signs what herald posted and checkpoints the audit head: after every delivery attempt settles
 * (so after every broadcast), once at start (catching up on a crash between a post and its
 * signature) and every hour on the core's clock. Work that arrives together runs once.
 * `onUpdate` listeners run when something was signed or checkpointed: the status site rebuilds there.
 */
export class TrustRunner {
  private readonly work = new Coalesced(() => this.pass(), (err) => this.core.events.emit('auditFailed', err, 'statement.signed'));
  /** The next pass writes a checkpoint even if the head has not moved (start, and the hourly one). */
  private checkpointDue = false;
  private timer: unknown;
  private started = false;
  private readonly after: Array<() => void | Promise<void>> = [];

  constructor(
    private readonly core: Core,
    readonly key: SigningKey,
    private readonly timers: Timers = REAL_TIMERS,
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
    this.hourly();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.core.events.off('deliveryAttempted', this.onAttempt);
    this.timers.clearTimeout(this.timer);
    await this.idle();
  }

  /** Resolves once everything asked for so far is signed and checkpointed. */
  idle(): Promise<void> {
    return this.work.idle();
  }

  private readonly onAttempt = (a: { outcome: string }) => {
    if (a.outcome !== 'retrying') void this.work.request();
  };

  /** A checkpoint now, and the next one an hour from now. */
  private hourly(): void {
    this.checkpointDue = true;
    void this.work.request();
    this.timers.clearTimeout(this.timer);
    if (this.started) this.timer = this.timers.setTimeout(() => this.hourly(), CHECKPOINT_EVERY_MS);
  }

  private async pass(): Promise<void> {
    const due = this.checkpointDue;
    this.checkpointDue = false;
    // Chat messages waiting in the group commit belong to the head being signed.
    this.core.audit.flush();
    const signed = signPosted(this.core.db, this.key);
    const last = this.latest();
    const head = auditHeadRow(this.core.db);
    const moved = !last || last.seq !== head.seq || last.hash !== head.hash;
    if (due || moved) appendCheckpoint(this.core.config.paths.checkpoints, makeCheckpoint(this.core.db, this.key, new Date(this.core.now())));
    if (signed || due || moved) for (const fn of this.after) await fn();
  }
}
