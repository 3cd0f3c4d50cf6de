import twitterText from 'twitter-text';
import type { Endpoint } from './rate-limits';
import type { PostStore } from './store';
import type { StoredPost, XUser } from './types';
import * as P from './problems';

export interface Route {
  endpoint: Endpoint;
  /** Create and delete pay the configured latency. */
  mutating: boolean;
  handle(ctx: RouteContext): P.XAnswer;
}

export interface RouteContext {
  user: XUser;
  /** Every account the emulator knows, for lookups by user id. */
  users: XUser[];
  query: Map<string, string>;
  bodyText: string;
  contentType: string | undefined;
  store: PostStore;
  onPost(post: StoredPost): void;
  onDelete(post: StoredPost): void;
}

const ID = /^[0-9]{1,19}$/;

let warmed = false;

/**
 * twitter-text compiles its URL and entity patterns on first use: once for a text of one-byte
 * characters and once for one with wider ones (an emoji). The first two posts a process checked
 * took 30 and 11 ms more than the next, added to their round trips; this pays it once, when an
 * emulator starts listening, so a post's round trip is the latency configured.
 */
export function warmTextParser(): void {
  if (warmed) return;
  warmed = true;
  for (const text of ['Status page: https://status.example.com (on-chain), next update 21:02 UTC.\n1/2', '⚠️ Status page: https://status.example.com (on-chain), next update 21:02 UTC.\n2/2']) twitterText.parseTweet(text);
}

/** Matches a method and path (without query) to a route; undefined for anything X would 404. */
export function findRoute(method: string, path: string): Route | undefined {
  if (path === '/2/users/me' && method === 'GET') return me;
  if (path === '/2/tweets' && method === 'POST') return createTweet;
  if (path === '/2/tweets' && method === 'GET') return lookupMany;
  const timeline = /^\/2\/users\/([^/]+)\/tweets$/.exec(path);
  if (timeline?.[1] && method === 'GET') return userTimeline(decodeURIComponent(timeline[1]));
  const one = /^\/2\/tweets\/([^/]+)$/.exec(path);
  if (one?.[1]) {
    const id = decodeURIComponent(one[1]);
    if (method === 'GET') return lookupOne(id);
    if (method === 'DELETE') return deleteTweet(id);
  }
  return undefined;
}

const me: Route = {
  endpoint: 'me',
  mutating: false,
  handle: ({ user }) => P.ok(200, { data: { id: user.id, name: user.name, username: user.username } }),
};

const createTweet: Route = {
  endpoint: 'postTweet',
  mutating: true,
  handle(ctx) {
    if (!ctx.contentType?.toLowerCase().includes('application/json')) {
      return P.invalidRequest([{ message: 'Requests with bodies must have content-type of application/json.' }]);
    }
    let body: unknown;
    try {
      body = JSON.parse(ctx.bodyText);
    } catch {
      return P.invalidRequest([{ message: 'Request body is not valid JSON.' }]);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return P.invalidRequest([{ message: 'Request body must be a JSON object.' }]);
    }
    const { text, reply } = body as { text?: unknown; reply?: unknown };
    if (text !== undefined && typeof text !== 'string') {
      return P.invalidRequest([{ message: '$.text: string found, ' + typeof text + ' expected' }]);
    }
    if (!text) {
      // The emulator has no media upload, so a post without text has nothing in it.
      return P.invalidRequest([{ message: 'Your Tweet text is empty.' }]);
    }
    const parsed = twitterText.parseTweet(text);
    if (!parsed.valid) {
      return parsed.weightedLength > 280
        ? P.textTooLong()
        : P.invalidRequest([{ message: 'Your Tweet text contains characters that are not allowed.' }]);
    }

    let parent: StoredPost | undefined;
    if (reply !== undefined) {
      const replyTo = (reply as { in_reply_to_tweet_id?: unknown } | null)?.in_reply_to_tweet_id;
      if (typeof replyTo !== 'string' || !ID.test(replyTo)) {
        return P.invalidRequest([
          {
            parameters: { 'reply.in_reply_to_tweet_id': [String(replyTo)] },
            message: `The \`reply.in_reply_to_tweet_id\` value [${String(replyTo)}] does not match ^[0-9]{1,19}$`,
          },
        ]);
      }
      parent = ctx.store.get(replyTo);
      if (!parent || parent.deleted) return P.replyToMissing();
    }

    if (ctx.store.findDuplicate(ctx.user.id, text)) return P.duplicateContent();

    const post = ctx.store.create(ctx.user.id, text, parent);
    ctx.onPost(post);
    // Field order as X serialises it: alphabetical.
    return P.ok(201, {
      data: { edit_history_tweet_ids: [...post.edit_history_tweet_ids], id: post.id, text: post.text },
    });
  },
};

function deleteTweet(id: string): Route {
  return {
    endpoint: 'deleteTweet',
    mutating: true,
    handle(ctx) {
      if (!ID.test(id)) return invalidId(id);
      const post = ctx.store.get(id);
      if (!post || post.deleted) return notFound(id);
      if (post.author_id !== ctx.user.id) return P.notYourTweet();
      ctx.store.markDeleted(post);
      ctx.onDelete(post);
      return P.ok(200, { data: { deleted: true } });
    },
  };
}

function lookupOne(id: string): Route {
  return {
    endpoint: 'lookupTweets',
    mutating: false,
    handle(ctx) {
      if (!ID.test(id)) return invalidId(id);
      const fields = tweetFields(ctx.query);
      if ('answer' in fields) return fields.answer;
      const post = ctx.store.get(id);
      if (!post || post.deleted) return notFound(id);
      return P.ok(200, { data: view(post, fields.set) });
    },
  };
}

const lookupMany: Route = {
  endpoint: 'lookupTweets',
  mutating: false,
  handle(ctx) {
    const raw = ctx.query.get('ids');
    const ids = raw ? raw.split(',').filter(Boolean) : [];
    if (ids.length === 0) {
      return P.invalidRequest([{ parameters: { ids: [] }, message: 'The `ids` query parameter can not be empty' }]);
    }
    if (ids.length > 100) {
      return P.invalidRequest([
        {
          parameters: { ids: [raw!] },
          message: `The number of values in the \`ids\` query parameter list [${ids.length}] is not between 1 and 100`,
        },
      ]);
    }
    const bad = ids.find((i) => !ID.test(i));
    if (bad !== undefined) {
      return P.invalidRequest([
        {
          parameters: { ids: [bad] },
          message: `The \`ids\` query parameter value [${bad}] does not match ^[0-9]{1,19}$`,
        },
      ]);
    }
    const fields = tweetFields(ctx.query);
    if ('answer' in fields) return fields.answer;
    const data: object[] = [];
    const errors: object[] = [];
    for (const id of ids) {
      const post = ctx.store.get(id);
      if (post && !post.deleted) data.push(view(post, fields.set));
      else errors.push(P.tweetNotFound(id, 'ids'));
    }
    // X leaves `data` out entirely when nothing was found.
    return P.ok(200, { ...(data.length ? { data } : {}), ...(errors.length ? { errors } : {}) });
  },
};

/** A single-resource lookup of a missing (or deleted) post: 404 with the problem twice over. */
function notFound(id: string): P.XAnswer {
  const problem = P.tweetNotFound(id, 'id');
  return P.ok(404, { errors: [problem], title: problem.title, detail: problem.detail, type: problem.type });
}

function invalidId(id: string): P.XAnswer {
  return P.invalidRequest([
    { parameters: { id: [id] }, message: `The \`id\` query parameter value [${id}] is not valid` },
  ]);
}

const TWEET_FIELDS = [
  'article', 'attachments', 'author_id', 'card_uri', 'community_id', 'context_annotations',
  'conversation_id', 'created_at', 'display_text_range', 'edit_controls', 'edit_history_tweet_ids',
  'entities', 'geo', 'id', 'in_reply_to_user_id', 'lang', 'media_metadata', 'non_public_metrics',
  'note_tweet', 'organic_metrics', 'possibly_sensitive', 'promoted_metrics', 'public_metrics',
  'referenced_tweets', 'reply_settings', 'scopes', 'source', 'text', 'withheld',
];

function tweetFields(query: Map<string, string>): { set: Set<string> } | { answer: P.XAnswer } {
  const raw = query.get('tweet.fields');
  const set = new Set(raw ? raw.split(',').filter(Boolean) : []);
  for (const f of set) {
    if (!TWEET_FIELDS.includes(f)) {
      return {
        answer: P.invalidRequest([
          {
            parameters: { 'tweet.fields': [f] },
            message: `The \`tweet.fields\` query parameter value [${f}] is not one of [${TWEET_FIELDS.join(',')}]`,
          },
        ]),
      };
    }
  }
  return { set };
}

/** The post as v2 lookups return it: id, text and edit history, plus the requested fields we hold. */
function view(p: StoredPost, fields: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (fields.has('author_id')) out['author_id'] = p.author_id;
  if (fields.has('conversation_id')) out['conversation_id'] = p.conversation_id;
  if (fields.has('created_at')) out['created_at'] = p.created_at;
  out['edit_history_tweet_ids'] = [...p.edit_history_tweet_ids];
  out['id'] = p.id;
  if (fields.has('in_reply_to_user_id') && p.in_reply_to_user_id) out['in_reply_to_user_id'] = p.in_reply_to_user_id;
  if (fields.has('referenced_tweets') && p.in_reply_to_tweet_id) {
    out['referenced_tweets'] = [{ type: 'replied_to', id: p.in_reply_to_tweet_id }];
  }
  out['text'] = p.text;
  return out;
}

/**
 * GET /2/users/:id/tweets: the account's own posts, replies included, newest first, as the
 * user-posts timeline returns them (max_results 5–100, default 10; since_id, until_id,
 * exclude=replies, pagination_token/next_token). An unknown user is a 200 with an errors array.
 */
function userTimeline(userId: string): Route {
  return {
    endpoint: 'userTimeline',
    mutating: false,
    handle(ctx) {
      if (!ID.test(userId)) return invalidId(userId);
      const fields = tweetFields(ctx.query);
      if ('answer' in fields) return fields.answer;
      const rawMax = ctx.query.get('max_results');
      const max = rawMax === undefined ? 10 : Number(rawMax);
      if (!Number.isInteger(max) || max < 5 || max > 100) {
        return P.invalidRequest([
          { parameters: { max_results: [String(rawMax)] }, message: `The \`max_results\` query parameter value [${rawMax}] is not between 5 and 100` },
        ]);
      }
      for (const name of ['since_id', 'until_id'] as const) {
        const v = ctx.query.get(name);
        if (v !== undefined && !ID.test(v)) {
          return P.invalidRequest([{ parameters: { [name]: [v] }, message: `The \`${name}\` query parameter value [${v}] does not match ^[0-9]{1,19}$` }]);
        }
      }
      const exclude = new Set((ctx.query.get('exclude') ?? '').split(',').filter(Boolean));
      const bad = [...exclude].find((e) => e !== 'replies' && e !== 'retweets');
      if (bad !== undefined) {
        return P.invalidRequest([{ parameters: { exclude: [bad] }, message: `The \`exclude\` query parameter value [${bad}] is not one of [retweets,replies]` }]);
      }
      if (!ctx.users.some((u) => u.id === userId)) {
        return P.ok(200, { errors: [{ ...P.tweetNotFound(userId, 'id'), detail: `Could not find user with id: [${userId}].`, resource_type: 'user' }] });
      }
      const since = ctx.query.get('since_id');
      const token = ctx.query.get('pagination_token');
      const until = token !== undefined ? Buffer.from(token, 'base64url').toString('utf8') : ctx.query.get('until_id');
      const newestFirst = ctx.store
        .all()
        .filter((p) => !p.deleted && p.author_id === userId)
        .filter((p) => !(exclude.has('replies') && p.in_reply_to_tweet_id))
        .filter((p) => since === undefined || BigInt(p.id) > BigInt(since))
        .filter((p) => until === undefined || !ID.test(until) || BigInt(p.id) < BigInt(until))
        .reverse();
      const page = newestFirst.slice(0, max);
      if (page.length === 0) return P.ok(200, { meta: { result_count: 0 } });
      const more = newestFirst.length > page.length;
      return P.ok(200, {
        data: page.map((p) => view(p, fields.set)),
        meta: {
          result_count: page.length,
          newest_id: page[0]!.id,
          oldest_id: page[page.length - 1]!.id,
          ...(more ? { next_token: Buffer.from(page[page.length - 1]!.id).toString('base64url') } : {}),
        },
      });
    },
  };
}
