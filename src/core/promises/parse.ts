// English only: the package's root also builds parsers for a dozen other languages at import,
// several MB of memory a running herald held for nothing (promises are read in English).
import * as chrono from 'chrono-node/en';
import type { ParsedComponents } from 'chrono-node';
import { clockText, dayText, durationText, promiseText } from './format';
import { instantAt, isTimeZone, offsetMinutes, sameDay } from './zone';

export interface PromiseOptions {
  now: Date;
  /** The team's IANA zone (`org.timezone`), used when the text names none. */
  timeZone: string;
  /** How far ahead a promise may be; 7 days unless said otherwise. */
  maxAheadMs?: number;
}

export type ParsedPromise = { ok: true; at: Date; shown: string } | { ok: false; message: string };

const WEEK_MS = 7 * 24 * 3_600_000;
/** A duration and a clock time in one text ("within 60 minutes (by 15:00 UTC)") may differ by this much. */
const AGREE_MS = 10 * 60_000;
const EXAMPLES = 'next_update="in 30 minutes" or next_update="by 15:00 UTC"';

/** An IANA zone written out in the text ("15:00 Europe/Berlin"), which chrono does not read. */
const NAMED_ZONE = /\b[A-Z][A-Za-z_]+(?:\/[A-Za-z_+-]+)+\b/g;

interface Reading {
  at: Date;
  /** A duration from now ("in 30 minutes") rather than a clock time. */
  relative: boolean;
  /** How the clock time's zone was given: not at all (the team's), as an offset (UTC, CET), or by IANA name. */
  frame: 'team' | 'offset' | 'named';
  text: string;
}

/**
 * Reads a `next_update` promise into an absolute time, forward from `now`, except that a clock
 * time already past today is refused rather than moved to tomorrow: promising tomorrow by
 * accident is worse than being asked to say so.
 */
export function parsePromise(input: string, opts: PromiseOptions): ParsedPromise {
  const text = input.trim();
  const { now } = opts;
  if (text === '') return refuse(`The next update is empty; give a time like ${EXAMPLES}.`);
  const named = [...new Set([...text.matchAll(NAMED_ZONE)].map((m) => m[0]).filter(isTimeZone))];
  if (named.length > 1) return refuse(`\`${text}\` names two time zones, ${named.join(' and ')}; give the time in one.`);
  const zone = named[0] ?? opts.timeZone;
  const ref = { instant: now, timezone: offsetMinutes(zone, now) };

  const forward = chrono.parse(text, ref, { forwardDate: true });
  if (forward.length === 0) return refuse(`herald cannot read \`${text}\` as a time; give one like ${EXAMPLES}.`);
  const unforwarded = new Map(chrono.parse(text, ref).map((r) => [r.index, r.start]));

  const readings: Reading[] = [];
  for (const r of forward) {
    const tags = r.start.tags();
    const relative = tags.has('result/relativeDateAndTime');
    if (!relative && !tags.has('result/relativeDate') && !r.start.isCertain('hour')) {
      return refuse(`\`${text}\` names a day but no time; give the time too, e.g. next_update="tomorrow 09:00 UTC".`);
    }
    const frame = named.length ? 'named' : r.start.isCertain('timezoneOffset') ? 'offset' : 'team';
    const at = instantOf(r.start, zone, relative || frame === 'offset');
    if (!at) {
      return refuse(`\`${text}\` reads as ${hhmm(r.start)} on ${dayText(noonOf(r.start), 'UTC')} in ${zone}, a time the clocks skip that night; give another time.`);
    }
    // chrono moves a time already past today to tomorrow; a named weekday is meant forward, anything else is refused.
    const today = unforwarded.get(r.index);
    if (!relative && today && !r.start.isCertain('weekday')) {
      const earlier = instantOf(today, zone, frame === 'offset');
      if (earlier && earlier < at && earlier <= now) return passed(text, { at: earlier, relative, frame, text: r.text }, now, zone);
    }
    readings.push({ at, relative, frame, text: r.text.trim() });
  }

  const clocks = [...new Map(readings.filter((r) => !r.relative).map((r) => [r.at.getTime(), r])).values()];
  if (clocks.length > 1) return refuse(`\`${text}\` reads as ${clocks.length} times, ${clocks.map((r) => understood(r, now, zone)).join(' and ')}; give one.`);
  const clock = clocks[0];
  const durations = readings.filter((r) => r.relative);
  const disagreeing = clock && durations.find((d) => Math.abs(d.at.getTime() - clock.at.getTime()) > AGREE_MS);
  if (clock && disagreeing) {
    return refuse(
      `\`${text}\` reads as both ${understood(disagreeing, now, zone)} (${disagreeing.text}) and ${understood(clock, now, zone)}; give one, e.g. next_update="by ${promiseText(clock.at, now)}".`,
    );
  }
  // The clock time is what the community reads, so it counts when both are given.
  const chosen = clock ?? durations.sort((a, b) => a.at.getTime() - b.at.getTime())[0]!;
  // Held to the minute it is shown as, rounded up so the team never gets less time than it said.
  const at = new Date(Math.ceil(chosen.at.getTime() / 60_000) * 60_000);
  if (at <= now) return passed(text, { ...chosen, at }, now, zone);
  const maxAhead = opts.maxAheadMs ?? WEEK_MS;
  if (at.getTime() - now.getTime() > maxAhead) {
    const days = maxAhead / 86_400_000;
    const horizon = Number.isInteger(days) ? `${days} day${days === 1 ? '' : 's'}` : durationText(Math.round(maxAhead / 60_000));
    return refuse(
      `\`${text}\` reads as ${understood({ ...chosen, at }, now, zone)}, more than ${horizon} away; promise a nearer time the team can keep, e.g. next_update="tomorrow 09:00 UTC".`,
    );
  }
  return { ok: true, at, shown: promiseText(at, now) };
}

const refuse = (message: string): ParsedPromise => ({ ok: false, message });

function passed(text: string, r: Reading, now: Date, zone: string): ParsedPromise {
  const today = sameDay(r.at, now, zone) ? ' today' : '';
  // Suggest tomorrow in the same words the drafter used: their zone, or UTC for an offset.
  const tomorrow =
    r.relative ? '' : r.frame === 'offset' ? `tomorrow ${clockText(r.at, r.at, 'UTC')} UTC` : `tomorrow ${clockText(r.at, r.at, zone)}${r.frame === 'named' ? ` ${zone}` : ''}`;
  return refuse(
    `\`${text}\` reads as ${understood(r, now, zone)}${today}, which has passed (it is ${promiseText(now, now)} now); give a later time, e.g. next_update="in 30 minutes"${tomorrow ? ` or next_update="${tomorrow}"` : ''}.`,
  );
}

/** What herald understood, in UTC, with the zone's own clock when the text was read in it. */
function understood(r: Reading, now: Date, zone: string): string {
  const utc = promiseText(r.at, now);
  return r.relative || r.frame === 'offset' || zone === 'UTC' ? utc : `${clockText(r.at, now, zone)} ${zone} (${utc})`;
}

/**
 * The instant of a chrono reading. Durations and times with a stated offset are instants already;
 * a wall-clock time is placed in the IANA zone on its own date, so a daylight saving change
 * between now and then is honoured (chrono knows only the offset in force now).
 */
function instantOf(c: ParsedComponents, zone: string, exact: boolean): Date | null {
  if (exact) return c.date();
  return instantAt({ year: c.get('year')!, month: c.get('month')!, day: c.get('day')!, hour: c.get('hour')!, minute: c.get('minute') ?? 0 }, zone);
}

const pad = (n: number | null) => String(n ?? 0).padStart(2, '0');
const hhmm = (c: ParsedComponents) => `${pad(c.get('hour'))}:${pad(c.get('minute'))}`;
/** Noon UTC of a reading's date, only to name that date. */
const noonOf = (c: ParsedComponents) => new Date(Date.UTC(c.get('year')!, c.get('month')! - 1, c.get('day')!, 12));
