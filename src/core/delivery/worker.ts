import type { Core } from '../core';
import { writeTx } from '../../store/db';
import { platformName } from '../../config/schema';
import type { Platform } from '../../config/types';
import { HeraldError } from '../errors';
import { redact } from '../../util/redact';
import { backoffMs, formatWait, sleep } from './backoff';
import { perform, type Guard } from './perform';
import type { Publisher } from './publisher';
import { loadDelivery, markFailed, markHeld, pendingDeliveries, recordRetry, writeDelivered, type DeliveryRow, type PendingDelivery } from './record';
import type { DeliveryAttempt } from './observed';
import { heldReason, markOf } from '../channels/marks';

/**
 * Delivers every pending delivery, all targets at once: each delivery is its own task, so a
 * slow or failing platform delays nobody else. Deliveries of one draft, or of one incident, to
 * one target run in order (see laneOf).
 */
export class DeliveryWorker {
  private readonly running = new Map<number, Promise<void>>();
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private startGate: Promise<void> = Promise.resolve();
  /** Kicks again when the earliest delivery left waiting out its backoff is due. */
  private wake: NodeJS.Timeout | undefined;

  constructor(
    private readonly core: Core,
    private readonly publishers: Partial<Record<Platform, Publisher>>,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Picks up every pending delivery that is due: new ones, and after a restart the ones that were
   * interrupted. One still in its backoff (`notBefore`, kept across a restart) is left until then.
   */
  kick(): void {
    if (this.stopping.signal.aborted) return;
    const now = this.now();
    const { due, wakeAt } = dueNow(pendingDeliveries(this.core.db), now, (id) => this.running.has(id));
    clearTimeout(this.wake);
    this.wake = wakeAt === undefined ? undefined : setTimeout(() => this.kick(), Math.min(wakeAt - now, MAX_TIMER_MS)).unref();
    for (const row of eachPlatformFirst(due)) {
      const { id } = row;
      if (this.running.has(id)) continue;
      const lane = laneOf(row);
      const task = (this.lanes.get(lane) ?? Promise.resolve()).then(() => this.nextStart()).then(() => this.deliver(id));
      const tracked = task.finally(() => {
        this.running.delete(id);
        if (this.lanes.get(lane) === tracked) this.lanes.delete(lane);
      });
      this.running.set(id, tracked);
      this.lanes.set(lane, tracked);
    }
  }

  /**
   * Deliveries start one event-loop turn apart. Each begins with synchronous, durable commits
   * (its parts, then `sending`); started in the same turn, the first request would leave only
   * after every delivery's commits, so with 50 targets nobody's post went out for 200 ms.
   */
  private nextStart(): Promise<void> {
    const turn = this.startGate.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.startGate = turn;
    return turn;
  }

  /** Resolves when nothing is in flight (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.wake);
    await this.idle();
  }

  private observe(d: DeliveryRow, attempt: number, outcome: DeliveryAttempt['outcome'], extra: Pick<DeliveryAttempt, 'code' | 'reason' | 'retryInMs'> = {}): void {
    const { id: deliveryId, draftId, targetId, platform, createdAt } = d;
    this.core.events.emit('deliveryAttempted', { deliveryId, draftId, targetId, platform, attempt, outcome, createdAt, ...extra });
  }

  /**
   * Read from the mark's own table at send time, before every attempt: a statement approved
   * before its target was marked compromised, or retrying when it was, never goes there.
   */
  private heldBack(d: DeliveryRow): boolean {
    const mark = markOf(this.core.db, d.targetId);
    if (!mark) return false;
    writeTx(this.core.db, (tx) => markHeld(tx, d, heldReason(mark)));
    this.core.events.emit('draftChanged', d.draftId);
    return true;
  }

  private async deliver(id: number): Promise<void> {
    const { delivery: cfg } = this.core.config;
    const first = loadDelivery(this.core.db, id);
    if (!first || first.status !== 'pending') return;
    let d = first;
    const target = this.core.config.targets[d.targetId];
    const publisher = this.publishers[d.platform as Platform];
    const name = platformName(d.platform);
    // A platform whose credentials are set but that is not connected yet: the delivery waits
    // as pending, and goes out when the platform connects (the composition root kicks then).
    if (target && !publisher && this.core.config[d.platform as Platform]) return;
    if (!target || !publisher) {
      const why = target
        ? `herald has no ${name} connection: set its credentials (see .env.example), restart herald, then /retry #${d.draftId}`
        : `target ${d.targetId} is no longer in the config: add it back under targets, restart herald, then /retry #${d.draftId}`;
      writeTx(this.core.db, (tx) => markFailed(tx, d, why));
      this.core.events.emit('draftChanged', d.draftId);
      this.observe(d, d.attempts, 'failed', { code: 'not_configured', reason: why });
      return;
    }
    const guard: Guard = (what, call) => withTimeout(call(), cfg.request_timeout_ms, `${name} did not answer the ${what} within ${formatWait(cfg.request_timeout_ms)}`);

    while (!this.stopping.signal.aborted) {
      if (this.heldBack(d)) return;
      const attempt = d.attempts + 1;
      try {
        const done = await perform(this.core, publisher, target, d, guard);
        // Deliveries finishing together share one durable commit (core.audit's group commit).
        await this.core.audit.run((tx) => writeDelivered(tx, d, done.link, done.notes, attempt));
        this.core.events.emit('draftChanged', d.draftId);
        this.observe(d, attempt, 'sent');
        return;
      } catch (err) {
        if (this.heldBack(d)) return;
        const e = err instanceof HeraldError ? err : new HeraldError('network', redact(String((err as Error)?.message ?? err)), { retryable: true });
        const reason = redact(e.message);
        const wait = e.retryAfterMs ?? backoffMs(attempt, cfg.base_delay_ms, cfg.max_delay_ms, this.random);
        let final: string | null = null;
        if (!e.retryable) final = reason;
        else if (e.retryAfterMs !== undefined && e.retryAfterMs > cfg.max_wait_ms) {
          final = `${reason}; ${name} asked herald to wait ${formatWait(e.retryAfterMs)}, longer than the ${formatWait(cfg.max_wait_ms)} bound`;
        } else if (attempt >= cfg.max_attempts) final = `${reason}; gave up after ${attempt} attempts`;
        if (final) {
          writeTx(this.core.db, (tx) => markFailed(tx, d, final, { number: attempt, code: e.code, reason }));
          this.core.events.emit('draftChanged', d.draftId);
          this.observe(d, attempt, 'failed', { code: e.code, reason: final });
          return;
        }
        writeTx(this.core.db, (tx) => recordRetry(tx, d, attempt, { code: e.code, reason, retryInMs: wait }, this.now()));
        this.core.events.emit('draftChanged', d.draftId);
        this.observe(d, attempt, 'retrying', { code: e.code, reason, retryInMs: wait });
        await sleep(wait, this.stopping.signal);
        d = loadDelivery(this.core.db, id)!;
        // Held meanwhile: its target was marked compromised while it waited.
        if (d.status !== 'pending') return;
      }
    }
  }
}

/** setTimeout's longest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Deliveries of one lane run one after another, in the order they were made. A statement's own
 * deliveries to a target share one (a correction waits for the post it corrects), and so do all
 * of an incident's: a follow-up waits for the statement it answers on X, and whose pin it replaces.
 */
const laneOf = (d: { draftId: number; targetId: string; incidentId: number | null }) =>
  d.incidentId === null ? `draft ${d.draftId}:${d.targetId}` : `incident ${d.incidentId}:${d.targetId}`;

/**
 * The pending deliveries that may start now, and when the next of the others is due. A delivery
 * waiting out its backoff holds back the later ones of its lane, so a correction never overtakes
 * the post it corrects. Deliveries already running retry on their own and wake nobody.
 */
function dueNow(rows: PendingDelivery[], now: number, running: (id: number) => boolean): { due: PendingDelivery[]; wakeAt?: number } {
  const held = new Set<string>();
  const due: PendingDelivery[] = [];
  let wakeAt: number | undefined;
  for (const r of rows) {
    const at = r.notBefore ? Date.parse(r.notBefore) : now;
    if (!running(r.id) && (at > now || held.has(laneOf(r)))) {
      held.add(laneOf(r));
      if (at > now) wakeAt = Math.min(wakeAt ?? at, at);
      continue;
    }
    due.push(r);
  }
  return { due, ...(wakeAt !== undefined ? { wakeAt } : {}) };
}

/**
 * Start order: the oldest pending delivery of each platform first, then the rest oldest first.
 * Every platform gets going at once (an X thread of three round trips does not wait for 25
 * Discord channels to start), while each platform's own targets still start close together.
 * A target's deliveries keep their order.
 */
function eachPlatformFirst<T extends { platform: string }>(rows: T[]): T[] {
  const firsts = new Map<string, T>();
  for (const r of rows) if (!firsts.has(r.platform)) firsts.set(r.platform, r);
  const lead = new Set(firsts.values());
  return [...lead, ...rows.filter((r) => !lead.has(r))];
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HeraldError('network', message, { retryable: true })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
