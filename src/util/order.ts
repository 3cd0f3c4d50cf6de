/**
 * Orders for the machine-written strings herald sorts (ISO timestamps, release folder names).
 * Not localeCompare: its collator is the process's first use of ICU, whose locale data then
 * stays resident (several MB of herald's RSS, measured with bench/fanout.ts), for strings whose
 * order is their characters' or their numbers' order.
 */

/** Code-unit order: chronological for ISO-8601 timestamps written the same way. */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `12-3-1` before `12-10-0`: each dash-separated run of digits compared as a number. */
export function byNumbers(a: string, b: string): number {
  const x = a.split('-').map(Number);
  const y = b.split('-').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
