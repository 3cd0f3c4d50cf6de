import { and, eq, isNull } from 'drizzle-orm';
import { appendAudit } from '../../audit/append';
import { writeTx } from '../../store/db';
import { breakGlass, drafts, incidents, promises } from '../../store/schema';
import type { Logger } from '../../util/log';
import type { Core } from '../core';
import type { NoticeBoard } from '../notices/board';
import { nextReminder } from '../promises/schedule';
import { nextChase } from './chase';
import { breakGlassChase, breakGlassNotice, promiseReminder } from './wording';

/** How the runner waits; tests pass one that a fake clock fires. */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL: Scheduler = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
/** Node's timers overflow past 2^31 ms; promises are at most a week ahead, so wake at least every 6 hours. */
const MAX_SLEEP_MS = 6 * 3_600_000;

interface Due {
  at: Date;
  send(now: Date): Promise<void>;
}

/**
 * Holds the team to its promises and break-glass ratifications: posts each reminder when its slot
 * comes, in every comms channel. The state is rows (the last slot sent), so a restart carries on
 * where it was, sending only the latest slot it missed. It wakes when a slot is due and whenever a
 * draft changes (a new promise, a ratification).
 */
export class ReminderRunner {
  private timer: unknown;
  private running: Promise<void> | null = null;
  private again = false;
  private started = false;
  private readonly onChange = () => void this.tick();

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
    for (const d of this.pending(now)) if (d.at <= now) await d.send(now);
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
    const open = db
      .select({ p: promises, title: incidents.title })
      .from(promises)
      .innerJoin(incidents, eq(incidents.id, promises.incidentId))
      .where(and(isNull(promises.outcome), eq(incidents.status, 'open')))
      .all();
    const due: Due[] = open.map(({ p, title }) => {
      const dueAt = new Date(p.dueAt);
      const r = nextReminder({ dueAt, madeAt: new Date(p.madeAt), lastReminderAt: p.lastReminderAt ? new Date(p.lastReminderAt) : null }, now);
      return {
        at: r.at,
        send: async (at) => {
          await this.board.post(promiseReminder(config, { incidentId: p.incidentId, title, dueAt, draftId: p.draftId }, at), p.draftId);
          writeTx(db, (tx) => {
            tx.update(promises).set({ lastReminderAt: r.at.toISOString() }).where(eq(promises.id, p.id)).run();
            appendAudit(tx, { type: 'promise.reminded', actor: 'herald', draftId: p.draftId, data: { promise: p.id, incident: p.incidentId, dueAt: p.dueAt, offsetMinutes: r.offsetMinutes } });
          });
        },
      };
    });
    const unratified = db
      .select({ b: breakGlass, templateId: drafts.templateId })
      .from(breakGlass)
      .innerJoin(drafts, eq(drafts.id, breakGlass.draftId))
      .where(isNull(breakGlass.ratifiedAt))
      .all();
    for (const { b, templateId } of unratified) {
      const state = { usedAt: new Date(b.usedAt), ratifyBy: new Date(b.ratifyBy), lastReminderAt: b.lastReminderAt ? new Date(b.lastReminderAt) : null };
      const c = nextChase(state, now);
      due.push({
        at: c.at,
        send: async (at) => {
          const text = c.kind === 'used' ? breakGlassNotice(config, { ...b, ...state, templateId, usedBy: b.usedByName }, at) : breakGlassChase(config, { ...state, draftId: b.draftId, usedBy: b.usedByName }, at);
          await this.board.post(text, b.draftId);
          writeTx(db, (tx) => {
            tx.update(breakGlass).set({ lastReminderAt: c.at.toISOString() }).where(eq(breakGlass.id, b.id)).run();
            appendAudit(tx, { type: c.kind === 'used' ? 'break_glass.announced' : 'break_glass.reminded', actor: 'herald', draftId: b.draftId, data: { breakGlass: b.id, ratifyBy: b.ratifyBy } });
          });
        },
      });
    }
    return due;
  }
}
