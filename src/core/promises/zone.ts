/**
 * Wall clocks in IANA time zones, through Intl (the runtime's tz database), so that daylight
 * saving changes are whatever the zone's rules say rather than a table kept here. UTC, the
 * default and what every post publishes, is read from the Date itself: the first Intl formatter
 * a process builds loads ICU's locale data, 6-8 MB of herald's resident memory (measured with
 * bench/fanout.ts), for a zone whose wall clock is the Date's UTC fields.
 */

export interface WallClock {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Whether `name` is a time zone the runtime knows (`UTC`, `Europe/Berlin`). */
export function isTimeZone(name: string): boolean {
  if (name === 'UTC') return true;
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** What a clock in `timeZone` shows at `instant`. */
export function wallClock(instant: Date, timeZone: string): WallClock {
  if (timeZone === 'UTC') {
    return {
      year: instant.getUTCFullYear(),
      month: instant.getUTCMonth() + 1,
      day: instant.getUTCDate(),
      hour: instant.getUTCHours(),
      minute: instant.getUTCMinutes(),
      weekday: instant.getUTCDay(),
    };
  }
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf(parts.weekday!),
  };
}

/** Minutes the zone is ahead of UTC at `instant` (Europe/Berlin: 60 in winter, 120 in summer). */
export function offsetMinutes(timeZone: string, instant: Date): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return Math.round((asUtc - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

type Wall = Omit<WallClock, 'weekday'>;

/**
 * The instant a clock in `timeZone` shows `wall`. When the clocks go back and the wall time
 * happens twice, the earlier one (a promise should not quietly gain an hour); when they go
 * forward and it never happens, null.
 */
export function instantAt(wall: Wall, timeZone: string): Date | null {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // The offset at the wall time is one of the offsets around it: try both, keep those that land.
  const candidates = [offsetMinutes(timeZone, new Date(asUtc - 36 * 3_600_000)), offsetMinutes(timeZone, new Date(asUtc + 36 * 3_600_000))]
    .map((offset) => new Date(asUtc - offset * 60_000))
    .filter((d) => sameWall(wallClock(d, timeZone), wall))
    .sort((a, b) => a.getTime() - b.getTime());
  return candidates[0] ?? null;
}

const sameWall = (a: Wall, b: Wall) =>
  a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;

/** Whether two instants fall on the same calendar day in `timeZone`. */
export function sameDay(a: Date, b: Date, timeZone: string): boolean {
  const x = wallClock(a, timeZone);
  const y = wallClock(b, timeZone);
  return x.year === y.year && x.month === y.month && x.day === y.day;
}
