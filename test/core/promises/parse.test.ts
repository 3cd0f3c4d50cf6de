import { describe, expect, it } from 'vitest';
import { parsePromise } from '../../../src/core/promises/parse';

const at = (iso: string) => new Date(iso);

/** A Tuesday afternoon in UTC; the clock every row is read against unless it names its own. */
const NOW = '2026-12-01T14:30:00Z';

describe('parsePromise reads a next update as an absolute time', () => {
  it.each([
    // [text, team zone, now, the instant, as posts show it]
    ['in 30 minutes', 'UTC', NOW, '2026-12-01T15:00:00Z', '15:00 UTC'],
    ['within 2 hours', 'UTC', NOW, '2026-12-01T16:30:00Z', '16:30 UTC'],
    ['in one hour', 'UTC', NOW, '2026-12-01T15:30:00Z', '15:30 UTC'],
    ['in 90 min', 'UTC', NOW, '2026-12-01T16:00:00Z', '16:00 UTC'],
    ['by 15:00 UTC', 'UTC', NOW, '2026-12-01T15:00:00Z', '15:00 UTC'],
    ['15:00', 'UTC', NOW, '2026-12-01T15:00:00Z', '15:00 UTC'],
    ['3pm', 'UTC', NOW, '2026-12-01T15:00:00Z', '15:00 UTC'],
    ['tomorrow 09:00 UTC', 'UTC', NOW, '2026-12-02T09:00:00Z', 'Wed 2 Dec, 09:00 UTC'],
    ['16:00 UTC tomorrow', 'UTC', NOW, '2026-12-02T16:00:00Z', 'Wed 2 Dec, 16:00 UTC'],
    ['Friday 10:00 UTC', 'UTC', NOW, '2026-12-04T10:00:00Z', 'Fri 4 Dec, 10:00 UTC'],
    ['in 2 days', 'UTC', NOW, '2026-12-03T14:30:00Z', 'Thu 3 Dec, 14:30 UTC'],
    // A duration and a clock time that agree: the clock time, which the community reads, counts.
    ['within 60 minutes (by 15:00 UTC)', 'UTC', '2026-12-01T14:05:00Z', '2026-12-01T15:00:00Z', '15:00 UTC'],
    ['60分钟内 (by 15:00 UTC)', 'UTC', NOW, '2026-12-01T15:00:00Z', '15:00 UTC'],
    ['by 16:00 UTC, "sharp"', 'UTC', NOW, '2026-12-01T16:00:00Z', '16:00 UTC'],
    // A named zone wins over the team's; CET follows Central European summer time by itself.
    ['at 14:30 CET', 'UTC', '2026-12-01T12:30:00Z', '2026-12-01T13:30:00Z', '13:30 UTC'],
    ['at 14:30 CET', 'UTC', '2026-07-01T12:00:00Z', '2026-07-01T12:30:00Z', '12:30 UTC'],
    ['15:00 Europe/Berlin', 'UTC', '2026-12-01T12:00:00Z', '2026-12-01T14:00:00Z', '14:00 UTC'],
    // No zone named: the team's.
    ['15:00', 'Europe/Berlin', '2026-12-01T12:30:00Z', '2026-12-01T14:00:00Z', '14:00 UTC'],
    ['15:00', 'Europe/Berlin', '2026-07-01T12:30:00Z', '2026-07-01T13:00:00Z', '13:00 UTC'],
    ['5pm', 'America/New_York', NOW, '2026-12-01T22:00:00Z', '22:00 UTC'],
    ['by 15:00 UTC', 'Asia/Tokyo', NOW, '2026-12-01T15:00:00Z', '15:00 UTC'],
    // Across the end of summer time in Berlin (25 Oct 2026, 03:00 CEST → 02:00 CET): 09:00 is CET.
    ['tomorrow 09:00', 'Europe/Berlin', '2026-10-24T20:00:00Z', '2026-10-25T08:00:00Z', 'Sun 25 Oct, 08:00 UTC'],
    // 02:30 happens twice that night: the earlier one, so the promise never gains an hour.
    ['tomorrow 02:30', 'Europe/Berlin', '2026-10-24T20:00:00Z', '2026-10-25T00:30:00Z', 'Sun 25 Oct, 00:30 UTC'],
    // Across the start of summer time (28 Mar 2027, 02:00 CET → 03:00 CEST): 09:00 is CEST.
    ['tomorrow 09:00', 'Europe/Berlin', '2027-03-27T20:00:00Z', '2027-03-28T07:00:00Z', 'Sun 28 Mar, 07:00 UTC'],
    // A duration is a duration, whatever the clocks do: 2 hours after 01:30 CEST on 25 Oct.
    ['in 2 hours', 'Europe/Berlin', '2026-10-24T23:30:00Z', '2026-10-25T01:30:00Z', 'Sun 25 Oct, 01:30 UTC'],
    // Held to the minute it is shown as, rounded up.
    ['in 30 minutes', 'UTC', '2026-12-01T14:29:40Z', '2026-12-01T15:00:00Z', '15:00 UTC'],
    // Just before midnight, the promise is tomorrow's and says so.
    ['in 30 minutes', 'UTC', '2026-12-01T23:50:00Z', '2026-12-02T00:20:00Z', 'Wed 2 Dec, 00:20 UTC'],
  ])('%j in %s at %s is %s (%s)', (text, timeZone, now, expected, shown) => {
    expect(parsePromise(text, { now: at(now), timeZone })).toEqual({ ok: true, at: at(expected), shown });
  });
});

describe('parsePromise refuses what would mislead, saying what it understood', () => {
  it.each([
    // A time that has passed is refused, not moved to tomorrow: promising tomorrow by accident is worse.
    [
      'by 04:00 UTC',
      'UTC',
      '2026-12-01T05:49:00Z',
      '`by 04:00 UTC` reads as 04:00 UTC today, which has passed (it is 05:49 UTC now); give a later time, e.g. next_update="in 30 minutes" or next_update="tomorrow 04:00 UTC".',
    ],
    [
      '15:00',
      'UTC',
      '2026-12-01T16:00:00Z',
      '`15:00` reads as 15:00 UTC today, which has passed (it is 16:00 UTC now); give a later time, e.g. next_update="in 30 minutes" or next_update="tomorrow 15:00".',
    ],
    [
      '15:00',
      'Europe/Berlin',
      NOW,
      '`15:00` reads as 15:00 Europe/Berlin (14:00 UTC) today, which has passed (it is 14:30 UTC now); give a later time, e.g. next_update="in 30 minutes" or next_update="tomorrow 15:00".',
    ],
    [
      '15:00 Europe/Berlin',
      'UTC',
      NOW,
      '`15:00 Europe/Berlin` reads as 15:00 Europe/Berlin (14:00 UTC) today, which has passed (it is 14:30 UTC now); give a later time, e.g. next_update="in 30 minutes" or next_update="tomorrow 15:00 Europe/Berlin".',
    ],
    [
      '1 Dec 09:00',
      'UTC',
      NOW,
      '`1 Dec 09:00` reads as 09:00 UTC today, which has passed (it is 14:30 UTC now); give a later time, e.g. next_update="in 30 minutes" or next_update="tomorrow 09:00".',
    ],
    ['14:30', 'UTC', NOW, '`14:30` reads as 14:30 UTC today, which has passed (it is 14:30 UTC now); give a later time, e.g. next_update="in 30 minutes" or next_update="tomorrow 14:30".'],
    // Unreadable: say so, with an example.
    ['  ', 'UTC', NOW, 'The next update is empty; give a time like next_update="in 30 minutes" or next_update="by 15:00 UTC".'],
    ['soon', 'UTC', NOW, 'herald cannot read `soon` as a time; give one like next_update="in 30 minutes" or next_update="by 15:00 UTC".'],
    ['when we know more', 'UTC', NOW, 'herald cannot read `when we know more` as a time; give one like next_update="in 30 minutes" or next_update="by 15:00 UTC".'],
    ['30分钟内', 'UTC', NOW, 'herald cannot read `30分钟内` as a time; give one like next_update="in 30 minutes" or next_update="by 15:00 UTC".'],
    ['tomorrow', 'UTC', NOW, '`tomorrow` names a day but no time; give the time too, e.g. next_update="tomorrow 09:00 UTC".'],
    [
      'the full post-mortem, on our blog by 1 December',
      'UTC',
      NOW,
      '`the full post-mortem, on our blog by 1 December` names a day but no time; give the time too, e.g. next_update="tomorrow 09:00 UTC".',
    ],
    // Ambiguous: two clock times, or a duration and a clock time that disagree.
    ['by 15:00 or 16:00 UTC', 'UTC', NOW, '`by 15:00 or 16:00 UTC` reads as 2 times, 15:00 UTC and 16:00 UTC; give one.'],
    [
      'within 60 minutes (by 15:00 UTC)',
      'UTC',
      NOW,
      '`within 60 minutes (by 15:00 UTC)` reads as both 15:30 UTC (within 60 minutes) and 15:00 UTC; give one, e.g. next_update="by 15:00 UTC".',
    ],
    ['15:00 Europe/Berlin or 16:00 Asia/Tokyo', 'UTC', NOW, '`15:00 Europe/Berlin or 16:00 Asia/Tokyo` names two time zones, Europe/Berlin and Asia/Tokyo; give the time in one.'],
    // Absurdly far.
    [
      'in 10 days',
      'UTC',
      NOW,
      '`in 10 days` reads as Fri 11 Dec, 14:30 UTC, more than 7 days away; promise a nearer time the team can keep, e.g. next_update="tomorrow 09:00 UTC".',
    ],
    [
      '2 Jan 09:00 UTC',
      'UTC',
      NOW,
      '`2 Jan 09:00 UTC` reads as Sat 2 Jan, 09:00 UTC, more than 7 days away; promise a nearer time the team can keep, e.g. next_update="tomorrow 09:00 UTC".',
    ],
    // A wall time the clocks skip when summer time starts.
    [
      'tomorrow 02:30',
      'Europe/Berlin',
      '2027-03-27T20:00:00Z',
      '`tomorrow 02:30` reads as 02:30 on Sun 28 Mar in Europe/Berlin, a time the clocks skip that night; give another time.',
    ],
  ])('%j in %s at %s', (text, timeZone, now, message) => {
    expect(parsePromise(text, { now: at(now), timeZone })).toEqual({ ok: false, message });
  });

  it('takes a shorter horizon when the caller gives one', () => {
    expect(parsePromise('in 3 hours', { now: at(NOW), timeZone: 'UTC', maxAheadMs: 2 * 3_600_000 })).toEqual({
      ok: false,
      message: '`in 3 hours` reads as 17:30 UTC, more than 2 h away; promise a nearer time the team can keep, e.g. next_update="tomorrow 09:00 UTC".',
    });
  });
});
