import type { Core } from '../core';
import type { Platform } from '../../config/types';
import { HeraldError } from '../errors';
import { redact } from '../../util/redact';
import { backoffMs, formatWait, sleep } from './backoff';
import { perform, type Guard } from './perform';
import type { Publisher } from './publisher';
import { loadDelivery, markDelivered, markFailed, pendingDeliveryIds, recordAttempt } from './record';

const NAMES: Record<string, string> = { discord: 'Discord', telegram: 'Telegram', x: 'X' };

/**
 * Delivers every pending delivery, all targets at once: each delivery is its own task, so a
 * slow or failing platform delays nobody else. Deliveries of one draft to one target run in
 * order (a correction waits for the post it corrects).
 */
export class DeliveryWorker {
  private readonly running = new Map<number, Promise<void>>();
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly core: Core,
    private readonly publishers: Partial<Record<Platform, Publisher>>,
    private readonly random: () => number = Math.random,
  ) {}

  /** Picks up every pending delivery: new ones, and after a restart the ones that were interrupted. */
  kick(): void {
    if (this.stopping.signal.aborted) return;
    for (const id of pendingDeliveryIds(this.core.db)) {
      if (this.running.has(id)) continue;
      const d = loadDelivery(this.core.db, id)!;
      const lane = `${d.draftId}:${d.targetId}`;
      const task = (this.lanes.get(lane) ?? Promise.resolve()).then(() => this.deliver(id));
      const tracked = task.finally(() => {
        this.running.delete(id);
        if (this.lanes.get(lane) === tracked) this.lanes.delete(lane);
      });
      this.running.set(id, tracked);
      this.lanes.set(lane, tracked);
    }
  }

  /** Resolves when nothing is in flight (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }

  private async deliver(id: number): Promise<void> {
    const { delivery: cfg } = this.core.config;
    const first = loadDelivery(this.core.db, id);
    if (!first || first.status !== 'pending') return;
    let d = first;
    const target = this.core.config.targets[d.targetId];
    const publisher = this.publishers[d.platform as Platform];
    if (!target || !publisher) {
      markFailed(this.core.db, d, target ? `herald has no ${NAMES[d.platform] ?? d.platform} connection configured` : `target ${d.targetId} is no longer configured`);
      this.core.events.emit('draftChanged', d.draftId);
      return;
    }
    const name = NAMES[d.platform] ?? d.platform;
    const guard: Guard = (what, call) => withTimeout(call(), cfg.request_timeout_ms, `${name} did not answer the ${what} within ${formatWait(cfg.request_timeout_ms)}`);

    while (!this.stopping.signal.aborted) {
      const attempt = d.attempts + 1;
      try {
        const done = await perform(this.core, publisher, target, d, guard);
        recordAttempt(this.core.db, d, attempt, { ok: true });
        markDelivered(this.core.db, d, done.link, done.notes);
        this.core.events.emit('draftChanged', d.draftId);
        return;
      } catch (err) {
        const e = err instanceof HeraldError ? err : new HeraldError('network', redact(String((err as Error)?.message ?? err)), { retryable: true });
        const reason = redact(e.message);
        const wait = e.retryAfterMs ?? backoffMs(attempt, cfg.base_delay_ms, cfg.max_delay_ms, this.random);
        let final: string | null = null;
        if (!e.retryable) final = reason;
        else if (e.retryAfterMs !== undefined && e.retryAfterMs > cfg.max_wait_ms) {
          final = `${reason}; ${NAMES[d.platform]} asked herald to wait ${formatWait(e.retryAfterMs)}, longer than the ${formatWait(cfg.max_wait_ms)} bound`;
        } else if (attempt >= cfg.max_attempts) final = `${reason}; gave up after ${attempt} attempts`;
        recordAttempt(this.core.db, d, attempt, final ? { ok: false, code: e.code, reason } : { ok: false, code: e.code, reason, retryInMs: wait });
        if (final) {
          markFailed(this.core.db, d, final);
          this.core.events.emit('draftChanged', d.draftId);
          return;
        }
        this.core.events.emit('draftChanged', d.draftId);
        await sleep(wait, this.stopping.signal);
        d = loadDelivery(this.core.db, id)!;
      }
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HeraldError('network', message, { retryable: true })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
