/**
 * One error type for the whole of herald. The code decides what happens next
 * (retry or not, which sentence the user sees); the text is turned into a reply
 * only at the edge, by the chat adapter or the command line.
 */
export type ErrorCode =
  | 'not_found'
  | 'forbidden'
  | 'conflict'
  | 'invalid_input'
  /** The platform answered and said no (4xx other than 429, or a 5xx it may recover from). */
  | 'platform_rejected'
  /** The platform answered 429 or an equivalent; `retryAfterMs` says how long it asked for. */
  | 'rate_limited'
  /** No answer: connection refused/reset, DNS, timeout. The request may or may not have landed. */
  | 'network';

export interface HeraldErrorOptions {
  /** Whether sending the same request again may succeed. */
  retryable?: boolean;
  /** The wait the platform asked for, in milliseconds. */
  retryAfterMs?: number;
  /** HTTP status or platform error code, for the audit log. */
  status?: number;
  platformCode?: string | number;
  cause?: unknown;
  /** A refusal that the draft's current preview explains: it is shown with the sentence. */
  showDraft?: number;
}

export class HeraldError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  readonly platformCode: string | number | undefined;
  readonly showDraft: number | undefined;

  constructor(code: ErrorCode, message: string, options: HeraldErrorOptions = {}) {
    super(message);
    this.name = 'HeraldError';
    this.code = code;
    this.retryable =
      options.retryable ?? (code === 'rate_limited' || code === 'network');
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
    this.platformCode = options.platformCode;
    this.showDraft = options.showDraft;
    // The cause is deliberately not attached: platform errors carry the request,
    // and the request carries the token.
  }
}

export const notFound = (message: string) => new HeraldError('not_found', message);
export const forbidden = (message: string) => new HeraldError('forbidden', message);
export const conflict = (message: string) => new HeraldError('conflict', message);
export const invalidInput = (message: string) => new HeraldError('invalid_input', message);

export function isHeraldError(error: unknown): error is HeraldError {
  return error instanceof HeraldError;
}
