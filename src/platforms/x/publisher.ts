import { ApiResponseError, type TwitterApi } from 'twitter-api-v2';
import type { Target } from '../../config/types';
import { HeraldError } from '../../core/errors';
import { contentText, type PartContent, type Publisher, type SendRequest, type SentMessage } from '../../core/delivery/publisher';
import type { Logger } from '../../util/log';
import type { XAuthKind } from './client';
import { findExistingPost } from './duplicate';
import { isDuplicateRefusal, timedOut, toHeraldError } from './errors';

export interface XAccount {
  id: string;
  username: string;
}

export interface XPublisherOptions {
  /** Hard bound on every request (config.delivery.request_timeout_ms). */
  timeoutMs: number;
  auth: XAuthKind;
  log: Logger;
}

export const postUrl = (username: string, id: string) => `https://x.com/${username}/status/${id}`;

/**
 * Posts to X one post per send(): the worker threads a statement by passing the previous
 * part as replyTo (and an incident, by passing its latest post for a follow-up's first part)
 * and saves each id before the next part, so a thread resumes where it stopped.
 * X cannot edit a post through its API; corrections go out as a reply thread instead.
 */
export class XPublisher implements Publisher {
  readonly platform = 'x' as const;
  readonly editsInPlace = false;
  private me: Promise<XAccount> | undefined;
  /** The account once known: a post then waits for nothing before its request. */
  private known: XAccount | undefined;

  constructor(
    private readonly client: TwitterApi,
    private readonly opts: XPublisherOptions,
  ) {}

  /** The account herald posts as, asked once (GET /2/users/me) and kept. */
  account(): Promise<XAccount> {
    const subject = 'the account lookup (GET /2/users/me)';
    this.me ??= this.call(subject, async () => {
      const { data } = await this.client.v2.me();
      return (this.known = { id: data.id, username: data.username });
    }).catch((err: unknown) => {
      this.me = undefined; // a failed lookup is asked again next time
      throw toHeraldError(err, subject, this.opts.auth);
    });
    return this.me;
  }

  async send(req: SendRequest): Promise<SentMessage> {
    const subject = req.total > 1 ? `part ${req.index + 1}/${req.total} of the thread` : 'the post';
    const text = contentText(req.content);
    const me = this.known ?? (await this.account());
    const replyTo = req.replyTo?.messageId;
    try {
      const { data } = await this.call(subject, () => this.client.v2.tweet(text, replyTo ? { reply: { in_reply_to_tweet_id: replyTo } } : {}));
      return { messageId: data.id, url: postUrl(me.username, data.id) };
    } catch (err) {
      if (!isDuplicateRefusal(err)) throw toHeraldError(err, subject, this.opts.auth);
      const id = await this.existing(me, subject, text, replyTo);
      this.opts.log.info({ postId: id, part: req.index, delivery: req.deliveryId }, 'X refused a duplicate; recorded the post already up as sent');
      return { messageId: id, url: postUrl(me.username, id) };
    }
  }

  edit(_req: { target: Target; message: SentMessage; content: PartContent; index: number; total: number }): Promise<void> {
    return Promise.reject(
      new HeraldError('platform_rejected', 'X does not let herald edit a post; a correction is posted as a reply to the original instead', { retryable: false }),
    );
  }

  async remove(req: { target: Target; message: SentMessage }): Promise<void> {
    const id = req.message.messageId;
    const subject = `the deletion of post ${id}`;
    try {
      const { data } = await this.call(subject, () => this.client.v2.deleteTweet(id));
      if (!data.deleted) throw new HeraldError('platform_rejected', `X answered that post ${id} was not deleted`, { retryable: true });
    } catch (err) {
      // Already gone is what a retraction wants.
      if (err instanceof ApiResponseError && err.code === 404) return;
      throw toHeraldError(err, subject, this.opts.auth);
    }
  }

  /** The id of the post X says is already up, or a reason that says what to check by hand. */
  private async existing(me: XAccount, subject: string, text: string, replyTo: string | undefined): Promise<string> {
    const refused = `X refused ${subject} as a duplicate of a post already on @${me.username}`;
    let id: string | undefined;
    try {
      id = await this.call('the lookup of recent posts', () => findExistingPost(this.client, { userId: me.id, text, ...(replyTo ? { replyTo } : {}) }));
    } catch (err) {
      const e = toHeraldError(err, 'the lookup of recent posts', this.opts.auth);
      const check = e.retryable ? '' : `; check https://x.com/${me.username}: the statement is probably up already`;
      throw new HeraldError(e.code, `${refused}, and herald could not look that post up: ${e.message}${check}`, {
        retryable: e.retryable,
        ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
        ...(e.status !== undefined ? { status: e.status } : {}),
      });
    }
    if (id) return id;
    // X's read side lags its write side by a few seconds; the next attempt looks again.
    throw new HeraldError('platform_rejected', `${refused}, but that post is not among the account's recent posts yet`, { retryable: true, status: 403 });
  }

  /** One request under a hard deadline; the library's socket timeout alone misses a trickling answer. */
  private call<T>(subject: string, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timedOut(subject, this.opts.timeoutMs)), this.opts.timeoutMs);
    });
    return Promise.race([run(), deadline]).finally(() => clearTimeout(timer));
  }
}
