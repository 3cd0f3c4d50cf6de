import { TelegramError } from 'telegraf';
import { formatWait } from '../../core/delivery/backoff';
import { HeraldError } from '../../core/errors';
import { redact } from '../../util/redact';

/**
 * Telegram's answers as herald's typed errors, in sentences a comms lead can act on. The Bot API
 * puts the token in every URL, so nothing here ever repeats a URL or a library's own message
 * unscrubbed; only Telegram's `description` (which never carries it) and error codes.
 */

export interface FailureContext {
  /** The Bot API method, e.g. sendMessage. */
  method: string;
  /** How the chat is named to a person: `@acmefinance` or `chat -100…` (target id included where known). */
  where: string;
  /** The call's own time bound, for the timeout sentence. */
  timeoutMs: number;
}

export const isTelegramError = (e: unknown): e is TelegramError => e instanceof TelegramError;

/** Telegram's 429 pause, in milliseconds. */
export const retryAfterMs = (e: TelegramError) => Math.max(1, e.parameters?.retry_after ?? 1) * 1000;

export const migratedTo = (e: unknown): string | undefined => {
  const id = isTelegramError(e) ? e.parameters?.migrate_to_chat_id : undefined;
  return id === undefined ? undefined : String(id);
};

const said = (e: TelegramError) => `${e.code} ${redact(e.description ?? '')}`.trim();

export const isNotModified = (e: unknown) => isTelegramError(e) && e.code === 400 && /message is not modified/i.test(e.description);
export const isMessageGone = (e: unknown) =>
  isTelegramError(e) && e.code === 400 && /message to (edit|delete|unpin) not found|MESSAGE_ID_INVALID/i.test(e.description);

/** One HeraldError for any failure of a Bot API call. */
export function toHeraldError(error: unknown, ctx: FailureContext): HeraldError {
  if (error instanceof HeraldError) return error;
  if (isTelegramError(error)) return fromTelegram(error, ctx);
  const e = error as { name?: string; code?: string; type?: string } | undefined;
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.type === 'aborted') {
    return new HeraldError('network', `Telegram did not answer ${ctx.method} for ${ctx.where} within ${formatWait(ctx.timeoutMs)}; it may or may not have taken effect`, {
      retryable: true,
    });
  }
  const code = typeof e?.code === 'string' && /^[A-Z_]+$/.test(e.code) ? ` (${e.code})` : '';
  return new HeraldError('network', `herald could not reach Telegram for ${ctx.method}${code}; check the host's network and TELEGRAM_API_ROOT`, { retryable: true });
}

function fromTelegram(e: TelegramError, ctx: FailureContext): HeraldError {
  const desc = e.description ?? '';
  const base = { status: e.code, platformCode: e.code };
  const refuse = (message: string) => new HeraldError('platform_rejected', message, { ...base, retryable: false });
  if (e.code === 429) {
    const ms = retryAfterMs(e);
    return new HeraldError('rate_limited', `Telegram rate-limited herald in ${ctx.where} and asked it to wait ${formatWait(ms)}`, { ...base, retryAfterMs: ms });
  }
  if (e.code >= 500) return new HeraldError('platform_rejected', `Telegram had a server error (${said(e)}); herald will retry`, { ...base, retryable: true });
  if (e.code === 401) return refuse(`Telegram refused herald's bot token (${said(e)}); check TELEGRAM_BOT_TOKEN against BotFather (/mybots → API Token)`);
  if (e.code === 403) {
    if (/kicked|not a member/i.test(desc)) {
      return refuse(`Telegram refused: herald's bot is not in ${ctx.where} (${said(e)}); add the bot back as an administrator with the right to post messages`);
    }
    if (/blocked by the user|initiate conversation/i.test(desc)) {
      return refuse(`Telegram refused: the user ${ctx.where} has not started the bot or blocked it (${said(e)})`);
    }
    return refuse(`Telegram refused ${ctx.method} in ${ctx.where} (${said(e)}); check the bot's membership and rights there`);
  }
  if (/chat not found/i.test(desc)) {
    return refuse(`Telegram cannot find ${ctx.where} (${said(e)}); check the chat id or @username in herald.config.yaml and that the bot was added to that chat`);
  }
  if (/need administrator rights|not enough rights|have no rights|CHAT_WRITE_FORBIDDEN|CHAT_ADMIN_REQUIRED/i.test(desc)) {
    return refuse(`Telegram refused: herald's bot lacks the rights for ${ctx.method} in ${ctx.where} (${said(e)}); make it an administrator with Post Messages, Edit Messages, Delete Messages and Pin Messages`);
  }
  if (/upgraded to a supergroup/i.test(desc)) {
    return refuse(`Telegram says ${ctx.where} was upgraded to a supergroup (${said(e)}); update its chat id in herald.config.yaml`);
  }
  if (/message can't be deleted/i.test(desc)) {
    return refuse(`Telegram will not delete the message in ${ctx.where} (${said(e)}); delete it by hand, and give the bot the Delete Messages right`);
  }
  if (/message can't be edited/i.test(desc)) {
    return refuse(`Telegram will not edit the message in ${ctx.where} (${said(e)}); post the correction by hand, and give the bot the Edit Messages right`);
  }
  if (/message to edit not found/i.test(desc)) {
    return refuse(`The message herald would correct in ${ctx.where} no longer exists (${said(e)}); post the correction by hand`);
  }
  return refuse(`Telegram refused ${ctx.method} in ${ctx.where} (${said(e)})`);
}
