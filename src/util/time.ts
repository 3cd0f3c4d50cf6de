/** `2026-11-24 14:05` from an ISO timestamp or a Date, as statements and logs show UTC times. */
export const utcMinute = (t: string | Date = new Date()): string => iso(t).slice(0, 16).replace('T', ' ');
/** `2026-11-24 14:05:09`. */
export const utcSecond = (t: string | Date = new Date()): string => iso(t).slice(0, 19).replace('T', ' ');

const iso = (t: string | Date) => (typeof t === 'string' ? t : t.toISOString());
