import { durationText } from './format';

/**
 * When herald reminds the comms channel of a promise: 15 and 5 minutes before it is due, at the
 * time, then every 10 minutes while it is overdue. Pure, so that a reminder row and any clock
 * (a fake one in tests, a fast one in the sandbox) can drive it.
 */

const MINUTE = 60_000;
/** Minutes from the due time of the reminders before it and at it. */
const LEAD = [-15, -5, 0] as const;
const OVERDUE_EVERY = 10;

/** What a reminder row holds. */
export interface PromiseState {
  /** When the next update was promised for. */
  dueAt: Date;
  /** When the promise was published: reminders slotted before it are not sent. */
  madeAt: Date;
  /** The slot of the last reminder sent (its `at`, not when it was sent), or null. */
  lastReminderAt: Date | null;
}

export interface Reminder {
  /** The slot's time; at or before `now` means it is to be sent now. */
  at: Date;
  /** Minutes from the due time: -15, -5, 0, 10, 20, … */
  offsetMinutes: number;
  kind: 'upcoming' | 'due' | 'overdue';
}

const slot = (dueAt: Date, offsetMinutes: number): Reminder => ({
  at: new Date(dueAt.getTime() + offsetMinutes * MINUTE),
  offsetMinutes,
  kind: offsetMinutes < 0 ? 'upcoming' : offsetMinutes === 0 ? 'due' : 'overdue',
});

/** The latest slot at or before `t`, if any. */
function slotAtOrBefore(dueAt: Date, t: Date): Reminder | null {
  const minutes = Math.floor((t.getTime() - dueAt.getTime()) / MINUTE);
  if (minutes >= 0) return slot(dueAt, Math.floor(minutes / OVERDUE_EVERY) * OVERDUE_EVERY);
  const lead = LEAD.filter((m) => m <= minutes);
  return lead.length ? slot(dueAt, lead.at(-1)!) : null;
}

/** The first slot after `t`. */
function slotAfter(dueAt: Date, t: Date): Reminder {
  const minutes = (t.getTime() - dueAt.getTime()) / MINUTE;
  const lead = LEAD.find((m) => m > minutes);
  if (lead !== undefined) return slot(dueAt, lead);
  return slot(dueAt, (Math.floor(minutes / OVERDUE_EVERY) + 1) * OVERDUE_EVERY);
}

/**
 * The reminder to send next. Its `at` at or before `now` means send it now; after a restart or
 * a late promise only the latest missed slot is sent, never a burst of stale ones.
 */
export function nextReminder(p: PromiseState, now: Date): Reminder {
  const missed = slotAtOrBefore(p.dueAt, now);
  const fresh = (r: Reminder) => r.at >= p.madeAt && (p.lastReminderAt === null || r.at > p.lastReminderAt);
  if (missed && fresh(missed)) return missed;
  const after = p.lastReminderAt && p.lastReminderAt > now ? p.lastReminderAt : now;
  return slotAfter(p.dueAt, after);
}

/** How the reminder reads against the clock: `due in 15 min`, `due now`, `overdue by 12 min`. */
export function reminderStatus(dueAt: Date, now: Date): string {
  const minutes = Math.round((dueAt.getTime() - now.getTime()) / MINUTE);
  if (minutes > 0) return `due in ${durationText(minutes)}`;
  if (minutes === 0) return 'due now';
  return `overdue by ${durationText(-minutes)}`;
}
