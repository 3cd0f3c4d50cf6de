import type { Core } from '../core';
import { engineOf, writeTx } from '../../store/db';
import { platformName } from '../../config/schema';
import type { Platform } from '../../config/types';
import { HeraldError } from '../errors';
import { redact } from '../../util/redact';
import { backoffMs, formatWait, sleep } from './backoff';
import { perform, publishedParts, type Guard } from './perform';
import type { Publisher } from './publisher';
import { ensureParts, loadDelivery, markFailed, markHeld, markPinned, pendingDeliveries, recordRetry, writeDelivered, type DeliveryRow, type PendingDelivery } from './record';
import type { DeliveryAttempt } from './observed';
import { heldReason, markOf } from '../channels/marks';
import { claimDelivery, claimedElsewhere, ClaimLostError, holdsClaim, releaseClaims, renewClaims } from './claim';
import { acquireEveryMs } from '../leases/lease';
import { REAL_TIMERS, type Timers } from '../../util/coalesced';
import type { DbOrTx, Tx } from '../../store/db';

/**
 * Delivers every pending delivery, all targets at once: each delivery is its own task, so a
 * slow or failing platform delays nobody else. Deliveries of one draft, or of one incident, to
 * one target run in order (see laneOf).
 */
export class DeliveryWorker {
  private readonly running = new Map<number, Promise<void>>();
  /** How long each platform's last delivery took to have its posts taken (its pin and crossposts aside): the slowest platform's starts first. */
  private readonly took = new Map<string, number>();
  private readonly lanes = new Map<string, Promise<void>>();
  /** Claimed in a command's transaction (claimWithin), for the kick after its commit to start. */
  private readonly claimedAhead = new Set<number>();
  /** Deliveries whose parts the claim's commit created (see claim), until they start. */
  private readonly freshParts = new Set<number>();
  private readonly stopping = new AbortController();
  /** Deliveries waiting on a platform now, and who waits for none to be (quiet()). */
  private busy = 0;
  private readonly calm: Array<() => void> = [];
  private startGate: Promise<void> = Promise.resolve();
  /** Kicks again when the earliest delivery left waiting out its backoff is due. */
  private wake: NodeJS.Timeout | undefined;
  /** Renews this instance's claims while deliveries run, and (once polling) looks for work the other instance left. */
  private renewal: unknown;
  private polling: unknown;
  private readonly holder: string;
  private readonly ttlMs: number;

  constructor(
    private readonly core: Core,
    private readonly publishers: Partial<Record<Platform, Publisher>>,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
    /** The claims' timers, on the core's clock (tests drive both with a fake one). */
    private readonly timers: Timers = REAL_TIMERS,
  ) {
    this.holder = core.config.instance.id;
    this.ttlMs = core.config.instance.leaseTtlMs;
  }

  /**
   * Kicks every `everyMs` too: deliveries another instance created, and those whose claim
   * expired (an instance that died), are picked up without an event in this process.
   */
  poll(everyMs = acquireEveryMs(this.ttlMs)): void {
    if (this.stopping.signal.aborted) return;
    this.timers.clearTimeout(this.polling);
    this.polling = this.timers.setTimeout(() => {
      this.kick();
      this.poll(everyMs);
    }, everyMs);
  }

  /**
   * Picks up every pending delivery that is due: new ones, and after a restart the ones that were
   * interrupted. One still in its backoff (`notBefore`, kept across a restart) is left until then.
   */
  kick(claimAtMost = Infinity): void {
    if (this.stopping.signal.aborted) return;
    const now = this.now();
    const { fresh, wakeAt } = this.due(this.core.db, now);
    clearTimeout(this.wake);
    this.wake = wakeAt === undefined ? undefined : setTimeout(() => this.kick(), Math.min(wakeAt - now, MAX_TIMER_MS)).unref();
    // Claimed before anything is sent, so only one instance sends a delivery; a kick's claims
    // share one durable commit, since each commit before the first request is time nobody's post
    // is out. Each platform's first, claimed with the command (claimWithin), starts before the
    // others are even claimed, and they follow CLAIM_CHUNK a turn: claiming 200 deliveries and
    // recording their parts is tens of milliseconds of work, which the first posts' requests,
    // and then the reading of their answers, would otherwise wait out.
    const rest = fresh.filter((r) => !this.claimedAhead.has(r.id));
    const claimed = new Set(fresh.filter((r) => this.claimedAhead.has(r.id)).map((r) => r.id));
    this.claimedAhead.clear();
    const claimNow = claimed.size ? [] : rest.slice(0, claimAtMost);
    if (claimNow.length) for (const id of writeTx(this.core.db, (tx) => this.claim(tx, claimNow))) claimed.add(id);
    const restLater = claimed.size > 0 && rest.length > claimNow.length;
    for (const row of fresh) {
      const { id } = row;
      if (!claimed.has(id)) continue;
      const lane = laneOf(row);
      // A free lane's delivery joins the start queue now, so started() covers it from this kick on.
      const prior = this.lanes.get(lane);
      // Each starts a turn after the one before, the first in the next turn, not this one: the
      // command's answer is on its way first (a Telegram button press is answered before anything
      // else is sent). The platforms' first deliveries, their parts recorded by the claim's
      // commit, come first and make no commit before their request; a turn apart, each one's
      // request is written before the next starts (twitter-api-v2 builds X's over several
      // microtasks, which other deliveries' work in the same turn held up by 4–10 ms).
      const begin = prior ? prior.then(() => this.nextStart()) : this.nextStart();
      const task = begin.then(() => this.deliver(id));
      const tracked = task.finally(() => {
        this.running.delete(id);
        if (this.lanes.get(lane) === tracked) this.lanes.delete(lane);
      });
      this.running.set(id, tracked);
      this.lanes.set(lane, tracked);
    }
    // The platforms hear which first posts are on their way, before any of them starts (see Publisher.expect).
    const coming = new Map<Platform, number[]>();
    for (const row of fresh) {
      if (!claimed.has(row.id) || !this.freshParts.has(row.id)) continue;
      const platform = row.platform as Platform;
      coming.set(platform, [...(coming.get(platform) ?? []), row.id]);
    }
    for (const [platform, ids] of coming) this.publishers[platform]?.expect?.(ids);
    // The rest after one more turn, as started() waits: the leads' requests are written when the
    // loop next polls. A kick that fails there (the database out of reach) leaves them pending:
    // the poll tries again.
    if (restLater) this.startGate = this.startGate.then(nextTurn).then(() => this.kick(CLAIM_CHUNK)).catch(() => {});
    if (this.running.size && this.renewal === undefined) this.renewal = this.timers.setTimeout(() => this.renew(), acquireEveryMs(this.ttlMs));
  }

  /**
   * Claims, in the caller's write transaction, what kick() would start now: the approval's own
   * durable commit then also records that this instance sends its deliveries (and their parts),
   * one commit fewer before the first request. The kick that follows the commit starts them.
   */
  claimWithin(tx: Tx): void {
    if (this.stopping.signal.aborted) return;
    for (const id of this.claim(tx, firstOfEachPlatform(this.due(tx, this.now()).fresh))) this.claimedAhead.add(id);
  }

  /** The pending deliveries to start now, in start order, and when the next one left waiting is due. */
  private due(db: DbOrTx, now: number): { fresh: PendingDelivery[]; wakeAt?: number } {
    const claimNow = this.core.now();
    const elsewhere = (r: PendingDelivery) => !this.running.has(r.id) && claimedElsewhere(r, this.holder, claimNow);
    const { due, wakeAt } = dueNow(pendingDeliveries(db), now, (id) => this.running.has(id), elsewhere);
    return { fresh: eachPlatformFirst(due, this.rank(due)).filter((r) => !this.running.has(r.id)), ...(wakeAt !== undefined ? { wakeAt } : {}) };
  }

  /**
   * How long each platform's part of `due` is expected to take: its last delivery's posts, or
   * what its rate limits need for this many deliveries if that is longer (25 Discord channels'
   * posts, crossposts and pins take a second, an X thread of three ~0.75 s).
   */
  private rank(due: readonly PendingDelivery[]): (platform: string) => number {
    const count = new Map<string, number>();
    for (const r of due) count.set(r.platform, (count.get(r.platform) ?? 0) + 1);
    return (platform) => Math.max(this.took.get(platform) ?? UNTIMED_RANK[platform] ?? 0, this.publishers[platform as Platform]?.leastMs?.(count.get(platform) ?? 0) ?? 0);
  }

  /**
   * Claims `rows` in `tx`; returns the ids won. A publication that starts at once (its lane is
   * free, its platform connected) gets its parts in the same commit, the first already marked
   * `sending`: that commit is then the last before its first request.
   */
  private claim(tx: Tx, rows: PendingDelivery[]): number[] {
    const claimNow = this.core.now();
    const engine = engineOf(this.core.db);
    const counts = new Map<string, number | undefined>();
    const lanes = new Set<string>();
    const won: number[] = [];
    for (const r of rows) {
      const lane = laneOf(r);
      const free = !this.lanes.has(lane) && !lanes.has(lane);
      lanes.add(lane);
      if (!claimDelivery(tx, r.id, this.holder, claimNow, this.ttlMs, engine)) continue;
      won.push(r.id);
      // A target marked compromised holds its delivery back: no part of it is marked sending.
      if (!free || !this.publishers[r.platform as Platform] || markOf(tx, r.targetId)) continue;
      const key = `${r.broadcastId}:${r.platform}`;
      if (!counts.has(key)) counts.set(key, publishedParts(tx, r.broadcastId, r.platform));
      const count = counts.get(key);
      if (count !== undefined && ensureParts(tx, r.id, count, true).created) this.freshParts.add(r.id);
    }
    return won;
  }

  /** Extends the claims of the deliveries in flight, every third of a TTL while there are any. */
  private renew(): void {
    this.renewal = undefined;
    if (!this.running.size || this.stopping.signal.aborted) return;
    try {
      writeTx(this.core.db, (tx) => renewClaims(tx, [...this.running.keys()], this.holder, this.core.now(), this.ttlMs));
    } catch {
      // The database is out of reach: every step's own commit fails too; the next renewal tries again.
    }
    this.renewal = this.timers.setTimeout(() => this.renew(), acquireEveryMs(this.ttlMs));
  }

  /** A step's check: this instance still holds the delivery's claim. */
  private hold(id: number): (tx: Tx) => void {
    return (tx) => {
      if (!holdsClaim(tx, id, this.holder)) throw new ClaimLostError(id, this.holder);
    };
  }

  /** A write that settles the delivery, made only while this instance still holds its claim. */
  private settle(id: number, write: (tx: Tx) => void): boolean {
    return writeTx(this.core.db, (tx) => {
      if (!holdsClaim(tx, id, this.holder)) return false;
      write(tx);
      return true;
    });
  }

  /** Stops polling and renewing without giving any claim up: what a process that died looks like to the other (tests). */
  abandon(): void {
    this.stopping.abort();
    clearTimeout(this.wake);
    this.timers.clearTimeout(this.polling);
    this.timers.clearTimeout(this.renewal);
  }

  /**
   * Deliveries start one event-loop turn apart. Each begins with synchronous, durable commits
   * (its parts, then `sending`); started in the same turn, the first request would leave only
   * after every delivery's commits, so with 50 targets nobody's post went out for 200 ms.
   */
  private nextStart(): Promise<void> {
    const turn = this.startGate.then(nextTurn);
    this.startGate = turn;
    return turn;
  }

  /**
   * Resolves once every delivery queued to start so far has started (its first request is out,
   * or it settled without one), and the loop has polled once since. What only shows a change (previews, the status site) waits for
   * it, so it never stands between an approval and the posts.
   */
  started(): Promise<void> {
    // One more turn: a request whose connection was opened in the last start is written when the
    // loop next polls, which a long synchronous job in this turn would hold up. A start queued
    // meanwhile (the rest of a broadcast, claimed once its first posts were out) is waited for too.
    const gate = this.startGate;
    return gate.then(nextTurn).then(() => (this.startGate === gate ? undefined : this.started()));
  }

  /**
   * Resolves once the deliveries started so far are out (started()) and none is waiting on a
   * platform (each has its outcome recorded, or is waiting out a backoff), or `atMostMs` after it
   * was called. The status site waits for it: its build, tens of milliseconds of synchronous
   * work, ran nine times during a broadcast to 25 + 25 channels, between the answers, their
   * records and the next requests.
   */
  async quiet(atMostMs = QUIET_AT_MOST_MS): Promise<void> {
    // A platform that hangs holds it back a second at most, not until the request times out.
    const by = this.now() + atMostMs;
    for (;;) {
      await this.started();
      const left = by - this.now();
      if (!this.busy || left <= 0) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          const i = this.calm.indexOf(done);
          if (i >= 0) this.calm.splice(i, 1);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.calm.push(done);
      });
    }
  }

  private calmer(): void {
    if (--this.busy === 0) for (const resolve of this.calm.splice(0)) resolve();
  }

  /** Resolves when nothing is in flight (tests and shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      // A start queued for later (the rest of a broadcast, claimed once its first posts were out) counts as in flight.
      const gate = this.startGate;
      await gate;
      if (this.running.size) await Promise.allSettled([...this.running.values()]);
      else if (gate === this.startGate) return;
    }
  }

  async stop(): Promise<void> {
    const stopped = this.stopping.signal.aborted;
    this.abandon();
    await this.idle();
    // What this instance did not finish, the other may send at once instead of after the TTL.
    if (!stopped) writeTx(this.core.db, (tx) => releaseClaims(tx, this.holder));
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
    if (this.settle(d.id, (tx) => markHeld(tx, d, heldReason(mark)))) this.core.events.emit('draftChanged', d.draftId);
    return true;
  }

  private async deliver(id: number): Promise<void> {
    const { delivery: cfg } = this.core.config;
    // Its parts were created by the claim's commit in this process: nothing was sent for them yet.
    let fresh = this.freshParts.delete(id);
    // Claimed at the kick; a long wait in its lane may have let the other instance take it over.
    if (!holdsClaim(this.core.db, id, this.holder)) return;
    const first = loadDelivery(this.core.db, id);
    if (!first || first.status !== 'pending') return;
    let d = first;
    const target = this.core.config.targets[d.targetId];
    const publisher = this.publishers[d.platform as Platform];
    const name = platformName(d.platform);
    // A platform whose credentials are set but that is not connected yet: the delivery waits
    // as pending, and goes out when the platform connects (the composition root kicks then).
    if (target && !publisher && this.core.config[d.platform as Platform]) {
      // The other instance may be connected: it can send it meanwhile.
      writeTx(this.core.db, (tx) => releaseClaims(tx, this.holder, [id]));
      return;
    }
    if (!target || !publisher) {
      const why = target
        ? `herald has no ${name} connection: set its credentials (see .env.example), restart herald, then /retry #${d.draftId}`
        : `target ${d.targetId} is no longer in the config: add it back under targets, restart herald, then /retry #${d.draftId}`;
      if (!this.settle(id, (tx) => markFailed(tx, d, why))) return;
      this.core.events.emit('draftChanged', d.draftId);
      this.observe(d, d.attempts, 'failed', { code: 'not_configured', reason: why });
      return;
    }
    const began = this.now();
    // When the platform took the last post: what orders the platforms' first starts (see eachPlatformFirst).
    let postedAt: number | undefined;
    const guard: Guard = (what, call) => {
      const answered = withTimeout(call(), cfg.request_timeout_ms, `${name} did not answer the ${what} within ${formatWait(cfg.request_timeout_ms)}`);
      return what === 'send' ? answered.then((r) => ((postedAt = this.now()), r)) : answered;
    };

    while (!this.stopping.signal.aborted) {
      if (this.heldBack(d)) return;
      const attempt = d.attempts + 1;
      // Busy from its first request to its outcome recorded, or to its backoff (see quiet()).
      this.busy++;
      let waiting = true;
      const unbusy = () => {
        if (waiting) (waiting = false), this.calmer();
      };
      try {
        const done = await perform(this.core, publisher, target, d, guard, this.hold(id), fresh);
        fresh = false;
        // Deliveries finishing together share one durable commit (core.audit's group commit).
        let settled = false;
        await this.core.audit.run((tx) => {
          if (!(settled = holdsClaim(tx, id, this.holder))) return;
          if (done.pinned) markPinned(tx, d, done.pinned, true);
          writeDelivered(tx, d, done.link, done.notes, attempt);
        });
        if (!settled) return;
        this.took.set(d.platform, (postedAt ?? this.now()) - began);
        this.core.events.emit('draftChanged', d.draftId);
        this.observe(d, attempt, 'sent');
        return;
      } catch (err) {
        // Taken over by the other instance: it resumes from the first unsent part, this one writes nothing more.
        fresh = false;
        if (err instanceof ClaimLostError) return;
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
          if (!this.settle(id, (tx) => markFailed(tx, d, final, { number: attempt, code: e.code, reason }))) return;
          this.core.events.emit('draftChanged', d.draftId);
          this.observe(d, attempt, 'failed', { code: e.code, reason: final });
          return;
        }
        if (!this.settle(id, (tx) => recordRetry(tx, d, attempt, { code: e.code, reason, retryInMs: wait }, this.now()))) return;
        this.core.events.emit('draftChanged', d.draftId);
        this.observe(d, attempt, 'retrying', { code: e.code, reason, retryInMs: wait });
        unbusy();
        await sleep(wait, this.stopping.signal);
        d = loadDelivery(this.core.db, id)!;
        // Held meanwhile: its target was marked compromised while it waited.
        if (d.status !== 'pending') return;
      } finally {
        unbusy();
      }
    }
  }
}

/**
 * Deliveries claimed (their parts recorded) in one commit, once a broadcast's first posts are out.
 * Ten a commit let the crossposts and pins of the first channels take the Discord window's slots
 * before the last channels' posts were out: at 25 channels a post fell into the next window in 3
 * runs of 6, its own crosspost and pin 80 ms after it (none in 5 runs with 50).
 */
const CLAIM_CHUNK = 50;

/** The longest quiet() waits for the platforms to answer. */
const QUIET_AT_MOST_MS = 1000;

/** Resolves in the loop's next check phase: after what is ready to be read or written now. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

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
 * waiting out its backoff, or claimed by another instance, holds back the later ones of its lane, so a correction never overtakes
 * the post it corrects. Deliveries already running retry on their own and wake nobody.
 */
function dueNow(rows: PendingDelivery[], now: number, running: (id: number) => boolean, elsewhere: (r: PendingDelivery) => boolean): { due: PendingDelivery[]; wakeAt?: number } {
  const held = new Set<string>();
  const due: PendingDelivery[] = [];
  let wakeAt: number | undefined;
  for (const r of rows) {
    // Another live instance sends it: it and the rest of its lane wait (the poll looks again).
    if (elsewhere(r)) {
      held.add(laneOf(r));
      continue;
    }
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

/** Each platform's first row, in the order given: what starts with the command's own commit. */
function firstOfEachPlatform<T extends { platform: string }>(rows: T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.platform) && seen.add(r.platform));
}

/**
 * Before any delivery of a platform has been timed (the first broadcast after a start), X goes
 * first: its posts are one round trip after another, and its API is the slowest of the three.
 */
const UNTIMED_RANK: Record<string, number> = { x: 1 };

/**
 * Start order: the oldest pending delivery of each platform first, then the rest oldest first.
 * Every platform gets going at once (an X thread of three round trips does not wait for 25
 * Discord channels to start), while each platform's own targets still start close together.
 * A target's deliveries keep their order. Among the platforms' first deliveries, the platform
 * whose work will take longest (`rank`) goes first: the broadcast is done when its slowest
 * platform is, and each start before it is time added to that platform's.
 */
function eachPlatformFirst<T extends { platform: string }>(rows: T[], rank: (platform: string) => number): T[] {
  const lead = firstOfEachPlatform(rows).sort((a, b) => rank(b.platform) - rank(a.platform));
  const leading = new Set(lead);
  return [...lead, ...rows.filter((r) => !leading.has(r))];
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HeraldError('network', message, { retryable: true })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
