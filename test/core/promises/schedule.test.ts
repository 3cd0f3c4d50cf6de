import { describe, expect, it } from 'vitest';
import { nextReminder, reminderStatus, type PromiseState } from '../../../src/core/promises/schedule';

const MIN = 60_000;
const DUE = new Date('2026-12-01T15:00:00Z');
const t = (minutesFromDue: number) => new Date(DUE.getTime() + minutesFromDue * MIN);

/**
 * Drives a reminder row with a fake clock from `from` to `until`, a minute at a time, the way a
 * worker would: send what is due, record its slot, and go on. Returns what was sent, as
 * [minute it was sent, its offset from the due time].
 */
function drive(madeAt: number, from: number, until: number, lastReminderAt: Date | null = null): Array<[number, number]> {
  const row: PromiseState = { dueAt: DUE, madeAt: t(madeAt), lastReminderAt };
  const sent: Array<[number, number]> = [];
  for (let minute = from; minute <= until; minute++) {
    const r = nextReminder(row, t(minute));
    if (r.at <= t(minute)) {
      sent.push([minute, r.offsetMinutes]);
      row.lastReminderAt = r.at;
    }
  }
  return sent;
}

describe('reminder schedule', () => {
  it('reminds 15 and 5 minutes before, at the time, and every 10 minutes while overdue', () => {
    expect(drive(-60, -60, 35)).toEqual([
      [-15, -15],
      [-5, -5],
      [0, 0],
      [10, 10],
      [20, 20],
      [30, 30],
    ]);
  });

  it('says when the next one is due, so a worker can sleep until then', () => {
    const row: PromiseState = { dueAt: DUE, madeAt: t(-60), lastReminderAt: null };
    expect(nextReminder(row, t(-60))).toEqual({ at: t(-15), offsetMinutes: -15, kind: 'upcoming' });
    expect(nextReminder({ ...row, lastReminderAt: t(-15) }, t(-14))).toEqual({ at: t(-5), offsetMinutes: -5, kind: 'upcoming' });
    expect(nextReminder({ ...row, lastReminderAt: t(-5) }, t(-1))).toEqual({ at: t(0), offsetMinutes: 0, kind: 'due' });
    expect(nextReminder({ ...row, lastReminderAt: t(0) }, t(0))).toEqual({ at: t(10), offsetMinutes: 10, kind: 'overdue' });
    expect(nextReminder({ ...row, lastReminderAt: t(40) }, t(41))).toEqual({ at: t(50), offsetMinutes: 50, kind: 'overdue' });
  });

  it('sends no reminder slotted before the promise was made', () => {
    // Promised 8 minutes ahead: the first reminder is the 5-minute one.
    expect(drive(-8, -8, 0)).toEqual([
      [-5, -5],
      [0, 0],
    ]);
    // Promised 3 minutes ahead: nothing until it is due.
    expect(drive(-3, -3, 10)).toEqual([
      [0, 0],
      [10, 10],
    ]);
  });

  it('after a restart sends only the latest missed reminder, then goes on with the schedule', () => {
    // Down from 5 minutes before until 27 minutes after: one overdue reminder on waking, then +30.
    expect(drive(-60, 27, 45, t(-5))).toEqual([
      [27, 20],
      [30, 30],
      [40, 40],
    ]);
    // Down across the 15-minute reminder: the missed one goes out late, once.
    expect(drive(-60, -12, -4, null)).toEqual([
      [-12, -15],
      [-5, -5],
    ]);
  });

  it('never repeats a reminder already sent, whatever the clock says', () => {
    const row: PromiseState = { dueAt: DUE, madeAt: t(-60), lastReminderAt: t(10) };
    const r = nextReminder(row, t(10));
    expect(r.offsetMinutes).toBe(20);
    expect(r.at > t(10)).toBe(true);
  });

  it.each([
    [-15, 'due in 15 min'],
    [-5, 'due in 5 min'],
    [0, 'due now'],
    [10, 'overdue by 10 min'],
    [75, 'overdue by 1 h 15 min'],
  ])('reads %i minutes from the due time as %j', (minute, text) => {
    expect(reminderStatus(DUE, t(minute))).toBe(text);
  });
});
