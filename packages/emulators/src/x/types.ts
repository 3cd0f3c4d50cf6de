/** Public types of the X (Twitter) API v2 emulator. */

import type { RouteMatch } from '../shared/faults';

export interface XUser {
  id: string;
  username: string;
  name: string;
}

/** OAuth 1.0a user context: the four keys a real X app and user would hold. */
export interface XOAuth1Credentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
  /** Which of `users` these keys act as; the first user when omitted. */
  userId?: string;
}

/** OAuth 2.0 user-context bearer token (Authorization Code with PKCE). */
export interface XBearerCredentials {
  bearerUserToken: string;
  userId?: string;
}

export type XCredentials = XOAuth1Credentials | XBearerCredentials;

/** Per-user windows, as X publishes them for user-context requests. */
export interface XLimits {
  /** POST /2/tweets per 15 minutes (X documents 200). */
  postTweetsPer15Min: number;
  /** DELETE /2/tweets/:id per 15 minutes (X documents 50). */
  deleteTweetsPer15Min: number;
  /** GET /2/tweets and /2/tweets/:id per 15 minutes (X documents 900 for user context). */
  lookupTweetsPer15Min: number;
  /** GET /2/users/:id/tweets per 15 minutes (X documents 900 per user). */
  userTimelinePer15Min: number;
  /** GET /2/users/me per 15 minutes (X documents 75). */
  mePer15Min: number;
  /**
   * Posts per user per 24 hours, the access-tier cap (Free tier: 17). When set, POST /2/tweets
   * answers carry x-user-limit-24hour-* headers and exceeding it is a 429.
   */
  postTweetsPer24h?: number;
}

export interface XEmulatorOptions {
  users?: XUser[];
  credentials?: XCredentials | XCredentials[];
  /** Delay before each create/delete is processed, in ms (benchmarks). */
  latencyMs?: number;
  /** Answer 429 once a window is used up. Without it the headers still appear but never run dry. */
  enforceLimits?: boolean;
  limits?: Partial<XLimits>;
  /** How long an identical text by the same author counts as a duplicate (default 24 h). */
  duplicateWindowMs?: number;
}

export interface StoredPost {
  /** Snowflake-like decimal string, increasing with time. */
  id: string;
  text: string;
  author_id: string;
  /** ISO 8601 with milliseconds, as X formats created_at. */
  created_at: string;
  conversation_id: string;
  in_reply_to_tweet_id?: string;
  /** Author of the post replied to. */
  in_reply_to_user_id?: string;
  edit_history_tweet_ids: string[];
  deleted: boolean;
  deleted_at?: string;
}

export interface ThreadNode {
  post: StoredPost;
  replies: ThreadNode[];
}

export type Fault =
  | { kind: 'ratelimit'; resetInSec: number }
  | { kind: 'usageCap'; period?: 'Daily' | 'Monthly'; scope?: 'Account' | 'Product' }
  | { kind: 'status'; status: 500 | 503 }
  | { kind: 'unauthorized' }
  | { kind: 'forbidden' }
  /** The request takes full effect (the post is stored) but no answer ever comes. */
  | { kind: 'timeoutAfterStore' }
  /** Nothing happens and no answer ever comes. */
  | { kind: 'hang' }
  /** The connection is cut before any answer; nothing is stored. */
  | { kind: 'disconnect' };

/** A method and an exact path (without query) or a pattern tested against it, e.g. '/2/tweets'. */
export type FaultMatch = RouteMatch;

export interface RecordedRequest {
  /** 1, 2, 3... in arrival order. */
  seq: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Request headers without Authorization (and without cookies). */
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
  /** HTTP status sent; undefined when no answer was sent (hang, disconnect, down). */
  status?: number;
  /** The user the credentials resolved to. */
  userId?: string;
  auth: 'oauth1' | 'bearer' | 'none' | 'invalid';
  fault?: Fault['kind'] | 'down';
}
