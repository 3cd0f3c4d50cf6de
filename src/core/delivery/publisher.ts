import type { Platform, Target } from '../../config/types';
import type { TelegramPart } from '../statement/render';

/** One message as the platform knows it. */
export interface SentMessage {
  messageId: string;
  /** Where it lives when that differs from the target's configured chat (Telegram after a supergroup migration). */
  chatId?: string;
  url?: string;
}

export type PartContent = string | TelegramPart;

export interface SendRequest {
  target: Target;
  deliveryId: number;
  index: number;
  total: number;
  content: PartContent;
  /** Fixed per part: the same part sent again carries the same nonce, so the platform can refuse a copy. */
  nonce: string;
  /**
   * The message this one answers: the previous part of a thread, the original post for an X
   * correction, or on X the incident's latest post for the first part of a follow-up.
   */
  replyTo?: SentMessage;
  policy: { pingEveryone: boolean; pin: boolean };
  /**
   * An earlier attempt at this very part may have landed (the process died mid-request, or the
   * request timed out). A publisher that can look the post up should return it instead of posting again.
   */
  outcomeUnknown?: boolean;
}

/**
 * The publishing side of one platform. Errors are HeraldErrors: `retryable` says whether the
 * same request may succeed later, `retryAfterMs` what wait the platform asked for.
 */
export interface Publisher {
  readonly platform: Platform;
  /** Discord and Telegram edit a post in place; X cannot, so a correction is posted as a reply. */
  readonly editsInPlace: boolean;
  send(req: SendRequest): Promise<SentMessage>;
  /**
   * These deliveries' first posts are about to be sent: the worker queued them to start, each a
   * loop turn after the last. A platform whose rate limit a post shares with its follow-ups (a
   * pin, a crosspost) keeps room for the posts, so that the first channels' follow-ups do not
   * push the last channels' posts into a later window.
   */
  expect?(deliveryIds: readonly number[]): void;
  /**
   * The least time, in ms, this platform's own rate limits let `deliveries` deliveries of one
   * statement take (their posts and follow-ups), if they bind at all: the worker starts the
   * platform whose work will take longest first.
   */
  leastMs?(deliveries: number): number;
  edit(req: { target: Target; message: SentMessage; content: PartContent; index: number; total: number }): Promise<void>;
  /** Deleting a message that is already gone succeeds. */
  remove(req: { target: Target; message: SentMessage }): Promise<void>;
  /** After all parts are out: pin, crosspost. What fails here is reported; the post stays sent. */
  finish?(req: { target: Target; messages: SentMessage[]; policy: SendRequest['policy'] }): Promise<Finished>;
  /**
   * Platforms that pin also pin and unpin on their own, so an incident keeps one pin per channel:
   * the core moves it to each new statement, and back to the latest live one after a retraction.
   * Unpinning a message that is not pinned, or is gone, succeeds.
   */
  pin?(req: { target: Target; message: SentMessage }): Promise<void>;
  unpin?(req: { target: Target; message: SentMessage }): Promise<void>;
}

export interface Finished {
  /** What did not work (a refused pin or crosspost), for the delivery's row. */
  notes: string[];
  /** Whether the first message is now pinned: the pin the core moves on when the incident's next statement goes out. */
  pinned: boolean;
}

export const contentText = (c: PartContent): string => (typeof c === 'string' ? c : c.text);

/**
 * The least time a limit of `perSecond` requests a second lets `requests` requests take
 * (Publisher.leastMs): the last one waits for the second it falls in.
 */
export const limitMs = (requests: number, perSecond: number): number => (requests > 0 ? Math.floor((requests - 1) / perSecond) * 1000 : 0);
