/**
 * Text that looks like a credential: a bot token pasted into the comms channel by mistake, or
 * on purpose to get it published. It is refused without being repeated, and masked before the
 * command's text is stored anywhere (received_commands, the audit log).
 */
const PATTERNS: Array<{ what: string; re: RegExp }> = [
  { what: 'a Discord bot token', re: /(?<![\w-])[MNO][\w-]{23,27}\.[\w-]{6}\.[\w-]{27,40}(?![\w-])/gu },
  { what: 'a Telegram bot token', re: /(?<!\d)\d{6,12}:[\w-]{30,}/gu },
  { what: 'an X bearer token', re: /AAAAAAAAAAAAAAAAAAAAA[\w%-]{20,}/gu },
  { what: 'an X access token', re: /(?<![\w-])\d{5,20}-[A-Za-z0-9]{30,50}(?![\w-])/gu },
  { what: 'a Discord webhook URL', re: /discord(?:app)?\.com\/api\/webhooks\/\d+\/[\w-]{20,}/giu },
  { what: 'a private key', re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/gu },
];

/** Configured secrets shorter than this would mask ordinary words. */
const MIN_SECRET = 8;

export function findCredential(text: string, secrets: readonly string[]): string | null {
  if (secrets.some((s) => s.length >= MIN_SECRET && text.includes(s))) return 'one of herald’s own secrets';
  for (const { what, re } of PATTERNS) if (text.match(re)) return what;
  return null;
}

export const MASK = '[credential removed]';

export function maskCredentials(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= MIN_SECRET) out = out.split(s).join(MASK);
  for (const { re } of PATTERNS) out = out.replace(re, MASK);
  return out;
}
