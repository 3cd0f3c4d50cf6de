/** Appended to a corrected statement, so readers of an edited post see that it changed and when. */
export function correctionNotice(now = new Date()): string {
  const t = now.toISOString().slice(0, 16).replace('T', ' ');
  return `_Corrected ${t} UTC._`;
}
