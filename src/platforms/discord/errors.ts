import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { HeraldError } from '../../core/errors';
import { formatWait } from '../../core/delivery/backoff';
import { redact } from '../../util/redact';

export type Operation = 'send' | 'edit' | 'delete' | 'crosspost' | 'pin' | 'unpin' | 'post';

export interface ErrorContext {
  op: Operation;
  /** Where, as a person would name it: `#announcements (target discord-main)`. */
  where: string;
  timeoutMs: number;
}

const VERB: Record<Operation, string> = {
  send: 'the post',
  edit: 'the edit',
  delete: 'the deletion',
  crosspost: 'the crosspost',
  pin: 'the pin',
  unpin: 'the unpin',
  post: 'the message',
};

/** What to grant for an operation refused with Missing Permissions. */
const NEEDS: Record<Operation, string> = {
  send: 'View Channel, Send Messages and, where the policy pings, Mention Everyone',
  edit: 'View Channel and Send Messages',
  delete: 'View Channel and Manage Messages',
  crosspost: 'Send Messages in the announcement channel',
  pin: 'Pin Messages',
  unpin: 'Pin Messages',
  post: 'View Channel and Send Messages',
};

/** Discord JSON error codes that no retry can fix, in words an operator can act on. */
function permanentReason(code: number, c: ErrorContext, message: string): string | null {
  switch (code) {
    case 50001:
      return `Discord refused ${VERB[c.op]}: herald is missing access to ${c.where} (50001 Missing Access); give the bot View Channel and Send Messages there`;
    case 50013:
      return `Discord refused ${VERB[c.op]}: herald lacks a permission in ${c.where} (50013 Missing Permissions); give the bot ${NEEDS[c.op]} there`;
    case 10003:
      return `Discord does not know ${c.where}, or herald cannot see it (10003 Unknown Channel); check the channel id in herald.config.yaml and that the bot is in that server`;
    case 10008:
      return `the message in ${c.where} no longer exists (10008 Unknown Message); someone deleted it`;
    case 50024:
      return `Discord refused ${VERB[c.op]} in ${c.where}: it is not an announcement channel (50024); set announcement: false for it or make it an announcement channel`;
    case 40033:
      return `${c.where}: this message was already crossposted (40033)`;
    case 30003:
      return `Discord refused ${VERB[c.op]} in ${c.where}: the channel already has 50 pins (30003); unpin an old message`;
    case 0:
      return null;
    default:
      return `Discord refused ${VERB[c.op]} in ${c.where}: ${message} (${code})`;
  }
}

/**
 * Turns whatever discord.js threw into a HeraldError the worker can act on: rate limits with
 * the wait Discord asked for, server errors and timeouts as retryable, the rest as permanent
 * with a sentence saying what to fix. The cause is dropped: it carries the request.
 */
export function toHeraldError(error: unknown, c: ErrorContext): HeraldError {
  if (error instanceof HeraldError) return error;
  if (error instanceof RateLimitError) {
    const wait = Math.max(0, Math.round(error.retryAfter));
    const scope = error.global ? 'the global rate limit' : `the rate limit for ${c.where}`;
    return new HeraldError('rate_limited', `Discord is holding ${VERB[c.op]} under ${scope} and asked herald to wait ${formatWait(wait)}`, {
      retryAfterMs: wait,
      status: 429,
    });
  }
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === 'number' ? error.code : Number(error.code) || 0;
    if (error.status >= 500) {
      return new HeraldError('platform_rejected', `Discord answered ${error.status} to ${VERB[c.op]} in ${c.where}; herald will retry`, { retryable: true, status: error.status, platformCode: code });
    }
    if (error.status === 401) {
      return new HeraldError('platform_rejected', 'Discord refused herald\'s token (401 Unauthorized); set DISCORD_TOKEN to the bot\'s current token from the Developer Portal and restart', {
        retryable: false,
        status: 401,
        platformCode: code,
      });
    }
    const reason = permanentReason(code, c, redact(error.message)) ?? `Discord answered ${error.status} to ${VERB[c.op]} in ${c.where}: ${redact(error.message)}`;
    return new HeraldError('platform_rejected', reason, { retryable: false, status: error.status, platformCode: code });
  }
  if (error instanceof HTTPError) {
    return new HeraldError('platform_rejected', `Discord answered ${error.status} ${redact(error.message)} to ${VERB[c.op]} in ${c.where}; herald will retry`, {
      retryable: true,
      status: error.status,
    });
  }
  const e = error as { name?: string; message?: string; code?: string } | undefined;
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') {
    const again = c.op === 'send' ? '; herald sends it again with the same nonce, so it cannot appear twice' : '; herald will try again';
    return new HeraldError('network', `Discord did not answer ${VERB[c.op]} in ${c.where} within ${formatWait(c.timeoutMs)}${again}`);
  }
  if (typeof e?.message === 'string' && /token/i.test(e.message) && /expected/i.test(e.message)) {
    // @discordjs/rest forgets the token after a 401; every later request fails this way.
    return new HeraldError('platform_rejected', 'Discord refused herald\'s token earlier (401 Unauthorized); set DISCORD_TOKEN to the bot\'s current token and restart', { retryable: false });
  }
  const detail = redact(String(e?.message ?? error)).split('\n')[0];
  return new HeraldError('network', `herald could not reach Discord for ${VERB[c.op]} in ${c.where} (${detail})`);
}

/** Codes that mean "already done": deleting a message that is gone, crossposting one already crossposted. */
export function apiCode(error: unknown): number | undefined {
  if (!(error instanceof DiscordAPIError)) return undefined;
  return typeof error.code === 'number' ? error.code : Number(error.code) || undefined;
}
