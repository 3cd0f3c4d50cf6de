import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { HeraldError } from '../../core/errors';
import { formatWait } from '../../core/delivery/backoff';
import { redact } from '../../util/redact';
import type { XAuthKind } from './client';
import { rateLimitAsk } from './limits';

/**
 * Turns whatever twitter-api-v2 threw into a HeraldError whose message an operator can act on.
 * The library's errors carry the request, and the request carries the Authorization header:
 * only the status, the response headers and the body are read here, never the error itself
 * (not its message, not its request), so no secret can leak through a reason.
 *
 * `subject` names what was being done as a noun phrase: "part 2/3 of the thread", "the post",
 * "the deletion of post 123".
 */
export function toHeraldError(err: unknown, subject: string, auth: XAuthKind): HeraldError {
  if (err instanceof HeraldError) return err;
  if (err instanceof ApiResponseError) return fromResponse(err.code, body(err.data), err.headers, subject, auth);
  if (err instanceof ApiPartialResponseError) {
    return new HeraldError('network', `X's answer to ${subject} was cut off (HTTP ${err.response.statusCode}); it may have gone through, and a retry will not post it twice`);
  }
  if (err instanceof ApiRequestError) {
    const cause = err.requestError;
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    if (cause?.message === 'Request timeout.') return timedOut(subject);
    return new HeraldError('network', `herald could not reach X for ${subject}${code ? ` (${code})` : ''}`);
  }
  return new HeraldError('network', redact(`unexpected failure talking to X for ${subject}: ${(err as Error)?.message ?? String(err)}`));
}

/** A write that timed out may have landed; a lookup has nothing to land. */
export const timedOut = (subject: string, ms?: number) =>
  new HeraldError(
    'network',
    `X did not answer ${subject}${ms ? ` within ${formatWait(ms)}` : ' in time'}${/lookup/.test(subject) ? '' : '; it may have gone through, and a retry will not post it twice'}`,
  );

export interface XProblem {
  title?: string;
  detail?: string;
  type?: string;
  period?: string;
  scope?: string;
  errors?: Array<{ message?: string; detail?: string; code?: number }>;
}

const body = (data: unknown): XProblem => (data && typeof data === 'object' ? (data as XProblem) : {});

/** X's refusal of a post whose text this account already posted (a 403). */
export function isDuplicateRefusal(err: unknown): boolean {
  return err instanceof ApiResponseError && err.code === 403 && /duplicate content/i.test(body(err.data).detail ?? '');
}

/** The one line of X's own words worth quoting, trimmed: the body is X's, never our request. */
function said(p: XProblem): string {
  const first = p.errors?.find((e) => e.message || e.detail);
  const words = first?.message ?? first?.detail ?? p.detail ?? p.title ?? '';
  return words.length > 200 ? `${words.slice(0, 197)}...` : words;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};
const statusLine = (status: number) => `${status}${STATUS_TEXT[status] ? ` ${STATUS_TEXT[status]}` : ''}`;

const KEYS_HINT: Record<XAuthKind, string> = {
  oauth1:
    'check X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and X_ACCESS_SECRET against the app\'s "Keys and tokens" page in the X developer portal (regenerating any of them voids the old value)',
  oauth2:
    'X_OAUTH2_USER_TOKEN is invalid or expired (OAuth 2.0 user tokens last two hours unless refreshed); issue a new one, or switch to the OAuth 1.0a keys, which do not expire',
};

function fromResponse(status: number, p: XProblem, headers: Record<string, string | string[] | undefined> | undefined, subject: string, auth: XAuthKind): HeraldError {
  const opts = { status, ...(p.type ? { platformCode: p.type } : {}) };
  const permanent = (message: string) => new HeraldError('platform_rejected', message, { ...opts, retryable: false });
  const type = p.type ?? '';

  if (status === 429) {
    if (type.endsWith('/usage-capped') || p.title === 'UsageCapExceeded') {
      const who = p.scope === 'Account' ? 'developer account' : 'app';
      const period = (p.period ?? 'monthly').toLowerCase();
      return permanent(`X usage cap reached for this ${who} (${period}); posts resume when the cap resets, or raise the cap in the X developer portal`);
    }
    const ask = rateLimitAsk(headers);
    return new HeraldError('rate_limited', `${ask.reason} (X answered 429 to ${subject})`, { ...opts, retryable: true, ...(ask.retryAfterMs !== undefined ? { retryAfterMs: ask.retryAfterMs } : {}) });
  }
  if (status >= 500) {
    return new HeraldError('platform_rejected', `X answered ${statusLine(status)} to ${subject}`, { ...opts, retryable: true });
  }
  if (status === 401) return permanent(`X rejected herald's credentials (401 Unauthorized) for ${subject}: ${KEYS_HINT[auth]}`);
  if (status === 402) {
    return permanent(`X refused ${subject} (402 Payment Required): the developer account has no API credits left; add credits in the X developer console`);
  }
  if (status === 403) return forbidden(p, subject, auth, permanent);
  if (status === 400) return permanent(`X refused ${subject} as invalid (400): ${said(p) || 'no reason given'}`);
  if (status === 404) return permanent(`X answered 404 Not Found to ${subject}; if X_API_URL is set, check that it points at the X API`);
  return permanent(`X refused ${subject} (${statusLine(status)})${said(p) ? `: ${said(p)}` : ''}`);
}

function forbidden(p: XProblem, subject: string, auth: XAuthKind, permanent: (m: string) => HeraldError): HeraldError {
  const type = p.type ?? '';
  const detail = p.detail ?? '';
  if (type.endsWith('/oauth1-permissions')) {
    return permanent(
      `X refused ${subject} (403): the access token is read-only; in the X developer portal set the app's User authentication settings to "Read and write", then regenerate the Access Token and Secret and update X_ACCESS_TOKEN and X_ACCESS_SECRET`,
    );
  }
  if (type.endsWith('/client-forbidden') || type.endsWith('/client-not-enrolled')) {
    return permanent(`X refused ${subject} (403): this app has no access to the X API v2 endpoint it needs (${said(p)}); attach the app to a Project in the X developer portal and check its access level`);
  }
  if (/reply to a (Tweet|post) that is deleted or not visible/i.test(detail)) {
    return permanent(`X refused ${subject} (403): the post it answers was deleted or is not visible to this account, so the thread cannot continue; post the rest by hand or retract`);
  }
  if (/not allowed to delete/i.test(detail)) {
    return permanent(`X refused ${subject} (403): the post belongs to another account; herald can delete only the posts of the account it posts as`);
  }
  const scope = auth === 'oauth2' ? 'that X_OAUTH2_USER_TOKEN was issued with the tweet.read, tweet.write and users.read scopes' : 'that the app\'s permissions are "Read and write" (regenerate the access token and secret after changing them)';
  return permanent(`X refused ${subject} (403 Forbidden${detail && detail !== 'Forbidden' ? `: ${said(p)}` : ''}); check ${scope}, and that the account is not locked or suspended`);
}
