import type { Core } from '../core';
import { invalidInput } from '../errors';
import { promiseText } from '../promises/format';
import { parsePromise } from '../promises/parse';
import type { Template } from '../templates/library';

/**
 * A statement's `next_update`, read into an absolute time before anything is stored: the value
 * becomes the absolute text the community reads ("15:00 UTC") and the instant is kept beside it.
 * A value carried over unchanged from the revision before keeps that revision's instant, as long
 * as it is still ahead.
 */
export function readNextUpdate(
  core: Core,
  template: Template,
  values: Record<string, string>,
  previous?: { value: string | undefined; at: string | null },
): { values: Record<string, string>; nextUpdateAt: string | null } {
  const text = values.next_update;
  if (!template.variables.next_update || !text) return { values, nextUpdateAt: null };
  const now = new Date(core.now());
  if (previous?.at && previous.value === text) {
    const at = new Date(previous.at);
    if (at <= now) {
      throw invalidInput(`The promised next update, ${text}, has passed (it is ${promiseText(now, now)} now); give a new one, like next_update="in 30 minutes".`);
    }
    return { values: { ...values, next_update: promiseText(at, now) }, nextUpdateAt: previous.at };
  }
  const r = parsePromise(text, { now, timeZone: core.config.org.timezone });
  if (!r.ok) throw invalidInput(r.message);
  return { values: { ...values, next_update: r.shown }, nextUpdateAt: r.at.toISOString() };
}
