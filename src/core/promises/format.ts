import { sameDay, wallClock } from './zone';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (at: Date, timeZone: string) => {
  const w = wallClock(at, timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
};

/** `15:00` or `Tue 2 Dec, 09:00` on a clock in `timeZone`; the date only when it is not `now`'s day there. */
export function clockText(at: Date, now: Date, timeZone: string): string {
  const time = hhmm(at, timeZone);
  return sameDay(at, now, timeZone) ? time : `${dayText(at, timeZone)}, ${time}`;
}

/** `Tue 2 Dec`: the day `at` falls on in `timeZone`. */
export function dayText(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${WEEKDAYS[w.weekday]} ${w.day} ${MONTHS[w.month - 1]}`;
}

/**
 * A promise as posts publish it: `15:00 UTC`, or `Tue 2 Dec, 09:00 UTC` when it is not today.
 * Posts speak UTC whatever the team's zone: the community reads them all over the world.
 */
export function promiseText(at: Date, now: Date): string {
  return `${clockText(at, now, 'UTC')} UTC`;
}

/**
 * A promise as the preview shows it to the team: `by 15:00 UTC, in 30 min`, with the team's own
 * clock added when it is not UTC (`by 15:00 UTC (16:00 Europe/Berlin), in 30 min`).
 */
export function promisePreview(at: Date, now: Date, timeZone: string): string {
  if (timeZone === 'UTC') return `by ${promiseText(at, now)}, ${relativeText(at, now)}`;
  // The team's clock names the day only where it is not the day the UTC time just named (or implied).
  const utcDay = sameDay(at, now, 'UTC') ? now : at;
  const time = hhmm(at, timeZone);
  const local = dayText(at, timeZone) === dayText(utcDay, 'UTC') ? time : `${dayText(at, timeZone)}, ${time}`;
  return `by ${promiseText(at, now)} (${local} ${timeZone}), ${relativeText(at, now)}`;
}

/** `in 30 min`, `in 2 h 5 min`, `in 1 d 3 h`; `5 min ago` once it has passed; `now` within the minute. */
export function relativeText(at: Date, now: Date): string {
  const minutes = Math.round((at.getTime() - now.getTime()) / 60_000);
  if (minutes === 0) return 'now';
  const span = durationText(Math.abs(minutes));
  return minutes > 0 ? `in ${span}` : `${span} ago`;
}

/** `30 min`, `2 h 5 min`, `1 d 3 h`. */
export function durationText(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return `${m} min`;
}
