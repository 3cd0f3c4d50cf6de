import { and, eq, isNull } from 'drizzle-orm';
import { appendAudit } from '../../audit/append';
import { writeTx, type DbOrTx } from '../../store/db';
import { hot, prepared } from '../../store/prepared';
import { breakGlass, drafts, incidents, promises } from '../../store/schema';
import type { Logger } from '../../util/log';
import type { Core } from '../core';
import { backoffMs, formatWait } from '../delivery/backoff';
import type { NoticeBoard } from '../notices/board';
import { nextReminder } from '../promises/schedule';
import { nextChase } from './chase';
import { breakGlassChase, breakGlassNotice, promiseReminder } from './wording';
import type { Fence } from '../leases/fence';

/** How the runner waits; tests pass one that a fake clock fires. */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL: Scheduler = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
/** Node's timers overflow past 2^31 ms; promises are at most a week ahead, so wake at least every 6 hours. */
const MAX_SLEEP_MS = 6 * 3_600_000;
/**
 * A reminder no comms channel took is tried again after 30 s, 1, 2, 4, then every 5 min: well
 * inside the 10 minutes between slots, so the next slot takes over before the waits grow. One
 * reminder at a time, so no jitter is needed to spread a crowd.
 */
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 5 * 60_000;

interface Due {
  /** `promise:<id>` or `break-glass:<id>`: whose slot it is. */
  key: string;
  /** The slot's own time: what the row records once sent. */
  slot: Date;
  /** When to try it: the slot, or later while a failed try waits. */
  at: Date;
  /** The text to post, and the row update and audit event once a comms channel took it. */
  text(now: Date): string;
  draftId: number;
  sent(): void;
}

/** A slot that no comms channel took: tried again at `at`, until one does or the next slot comes. */
interface Retry {
  slot: number;
  attempts: number;
  at: number;
}

// Read at every tick, and a tick follows every change to a draft (each delivery's too): built once per database.
const openPromises = hot((db: DbOrTx) =>
  db
    .select({ p: promises, title: incidents.title })
    .from(promises)
    .innerJoin(incidents, eq(incidents.id, promises.incidentId))
    .where(and(isNull(promises.outcome), eq(incidents.status, 'open')))
    .prepare());
const unratifiedBreakGlass = hot((db: DbOrTx) =>
  db.select({ b: breakGlass, templateId: drafts.templateId }).from(breakGlass).innerJoin(drafts, eq(drafts.id, breakGlass.draftId)).where(isNull(breakGlass.ratifiedAt)).prepare());

/**
 * Holds the team to its promises and break-glass ratifications: posts each reminder when its slot
 * comes, in every comms channel. The state is rows (the last slot sent), so a restart carries on
 * where it was, sending only the latest slot it missed. A slot counts as sent only once at least
 * one comms channel took the post; until then it stays due (its row unchanged, so a restart sends
 * it too) and is tried again with a growing wait. It wakes when a slot is due and whenever a draft
 * changes (a new promise, a ratification).
 */
export class ReminderRunner {
  private timer: unknown;
  private running: Promise<void> | null = null;
  private again = false;
  private started = false;
  private readonly retries = new Map<string, Retry>();
  private readonly onChange = () => void this.tick();
  /**
   * Checked in the transaction that records a reminder as sent: with two instances, the holder of
   * the `reminders` lease sets its fence, and a holder that lost the lease records nothing.
   */
  fence: Fence = () => {};

  constructor(
    private readonly core: Core,
    private readonly board: NoticeBoard,
    private readonly scheduler: Scheduler = REAL,
    private readonly log?: Logger,
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.core.events.on('draftChanged', this.onChange);
    void this.tick();
  }

  stop(): Promise<void> {
    this.started = false;
    this.core.events.off('draftChanged', this.onChange);
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
    return this.running ?? Promise.resolve();
  }

  /** Resolves when no tick is in flight. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Sends what is due by the clock now and sets the next wake-up; resolves when the posts are recorded. */
  tick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.sendDue().catch((err: unknown) => this.log?.error({ err }, 'could not send reminders'));
      } while (this.again && this.started);
    })().finally(() => {
      this.running = null;
      this.schedule();
    });
    return this.running;
  }

  private async sendDue(): Promise<void> {
    const now = new Date(this.core.now());
    for (const d of this.pending(now)) if (d.at <= now) await this.send(d, now);
  }

  private async send(d: Due, now: Date): Promise<void> {
    const slot = d.slot.getTime();
    const took = await this.board.post(d.text(now), d.draftId);
    if (took > 0) {
      this.retries.delete(d.key);
      d.sent();
      return;
    }
    const before = this.retries.get(d.key);
    const attempts = before?.slot === slot ? before.attempts + 1 : 1;
    const wait = backoffMs(attempts, RETRY_BASE_MS, RETRY_MAX_MS, () => 1);
    this.retries.set(d.key, { slot, attempts, at: now.getTime() + wait });
    this.log?.warn({ reminder: d.key, draft: d.draftId, attempt: attempts, retryInMs: wait }, `no comms channel took the reminder for #${d.draftId}; trying again in ${formatWait(wait)}`);
  }

  /** A slot waiting out its retry is due when the wait ends, not at the slot's own time. */
  private dueAt(key: string, slot: Date): Date {
    const r = this.retries.get(key);
    return r && r.slot === slot.getTime() && r.at > slot.getTime() ? new Date(r.at) : slot;
  }

  private schedule(): void {
    if (!this.started) return;
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    const now = this.core.now();
    const next = Math.min(...this.pending(new Date(now)).map((d) => d.at.getTime()), now + MAX_SLEEP_MS);
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, Math.max(0, next - now));
  }

  private pending(now: Date): Due[] {
    const { db, config } = this.core;
    const open = prepared(db, openPromises).all();
    const due: Due[] = open.map(({ p, title }) => {
      const dueAt = new Date(p.dueAt);
      const r = nextReminder({ dueAt, madeAt: new Date(p.madeAt), lastReminderAt: p.lastReminderAt ? new Date(p.lastReminderAt) : null }, now);
      const key = `promise:${p.id}`;
      return {
        key,
        slot: r.at,
        at: this.dueAt(key, r.at),
        draftId: p.draftId,
        text: (at) => promiseReminder(config, { incidentId: p.incidentId, title, dueAt, draftId: p.draftId }, at),
        sent: () =>
          writeTx(db, (tx) => {
            this.fence(tx);
            tx.update(promises).set({ lastReminderAt: r.at.toISOString() }).where(eq(promises.id, p.id)).run();
            appendAudit(tx, { type: 'promise.reminded', actor: 'herald', draftId: p.draftId, data: { promise: p.id, incident: p.incidentId, dueAt: p.dueAt, offsetMinutes: r.offsetMinutes } });
          }),
      };
    });
    const unratified = prepared(db, unratifiedBreakGlass).all();
    for (const { b, templateId } of unratified) {
      const state = { usedAt: new Date(b.usedAt), ratifyBy: new Date(b.ratifyBy), lastReminderAt: b.lastReminderAt ? new Date(b.lastReminderAt) : null };
      const c = nextChase(state, now);
      const key = `break-glass:${b.id}`;
      due.push({
        key,
        slot: c.at,
        at: this.dueAt(key, c.at),
        draftId: b.draftId,
        text: (at) => (c.kind === 'used' ? breakGlassNotice(config, { ...b, ...state, templateId, usedBy: b.usedByName }, at) : breakGlassChase(config, { ...state, draftId: b.draftId, usedBy: b.usedByName }, at)),
        sent: () =>
          writeTx(db, (tx) => {
            this.fence(tx);
            tx.update(breakGlass).set({ lastReminderAt: c.at.toISOString() }).where(eq(breakGlass.id, b.id)).run();
            appendAudit(tx, { type: c.kind === 'used' ? 'break_glass.announced' : 'break_glass.reminded', actor: 'herald', draftId: b.draftId, data: { breakGlass: b.id, ratifyBy: b.ratifyBy } });
          }),
      });
    }
    // Retries of slots no longer due (the promise settled, the glass ratified) are forgotten.
    const keys = new Set(due.map((d) => d.key));
    for (const k of this.retries.keys()) if (!keys.has(k)) this.retries.delete(k);
    return due;
  }
}
