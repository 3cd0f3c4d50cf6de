import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import twitterText from 'twitter-text';
import { ApiRequestError, ApiResponseError, TwitterApi } from 'twitter-api-v2';
import {
  DEFAULT_X_CREDENTIALS,
  DEFAULT_X_USER,
  startXEmulator,
  type XEmulator,
} from '../src/x';
// The client is pointed at the emulator the way herald's X adapter points it at X_API_URL.
import { xClientOptionsFor } from '../../../src/platforms/x/base-url-plugin';

let emu: XEmulator;
let client: TwitterApi;

beforeEach(async () => {
  emu = await startXEmulator();
  client = new TwitterApi({ ...DEFAULT_X_CREDENTIALS }, xClientOptionsFor(emu.baseUrl, { timeoutMs: 2_000 }));
});

afterEach(async () => {
  await emu.close();
});

/** Runs a call that must fail and hands back the library's error. */
async function failure(call: Promise<unknown>): Promise<ApiResponseError> {
  try {
    await call;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiResponseError);
    return err as ApiResponseError;
  }
  throw new Error('expected the call to fail');
}

describe('X emulator through the real twitter-api-v2 client (OAuth 1.0a)', () => {
  it('answers v2.me() with the authenticated account', async () => {
    const me = await client.v2.me();
    expect(me.data).toEqual({ id: DEFAULT_X_USER.id, name: DEFAULT_X_USER.name, username: DEFAULT_X_USER.username });
  });

  it('stores a post and a chain of three replies with the right in_reply_to ids', async () => {
    const root = await client.v2.tweet('1/4 We are investigating an incident.');
    // X sends edit_history_tweet_ids too; the library's type only declares id and text.
    expect(root.data).toEqual({
      id: root.data.id,
      text: '1/4 We are investigating an incident.',
      edit_history_tweet_ids: [root.data.id],
    });
    let parent = root.data.id;
    const ids = [root.data.id];
    for (const part of ['2/4 Funds are safe.', '3/4 Deposits are paused.', '4/4 Next update in 30 min.']) {
      const reply = await client.v2.reply(part, parent);
      ids.push(reply.data.id);
      parent = reply.data.id;
    }

    const posts = emu.posts();
    expect(posts.map((p) => p.id)).toEqual(ids);
    expect(posts.map((p) => p.in_reply_to_tweet_id)).toEqual([undefined, ids[0], ids[1], ids[2]]);
    expect(new Set(posts.map((p) => p.conversation_id))).toEqual(new Set([ids[0]]));
    // Snowflake-like ids grow with time.
    expect([...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))).toEqual(ids);

    const [thread] = emu.timeline();
    expect(thread?.post.text).toBe('1/4 We are investigating an incident.');
    expect(thread?.replies[0]?.replies[0]?.replies[0]?.post.text).toBe('4/4 Next update in 30 min.');

    const lookup = await client.v2.singleTweet(ids[3]!, { 'tweet.fields': ['referenced_tweets', 'author_id'] });
    expect(lookup.data.referenced_tweets).toEqual([{ type: 'replied_to', id: ids[2] }]);
    expect(lookup.data.author_id).toBe(DEFAULT_X_USER.id);
  });

  it('counts text the official way: 280 weighted characters with a URL and CJK pass, 281 do not', async () => {
    // A known TLD matters: twitter-text counts 'https://x.example/…' character by character.
    const url = 'https://status.heraldprotocol.com/incidents/2024-exploit-report'; // counts 23
    const text = `${url} ${'資金'.repeat(25)} ${'a'.repeat(155)}`; // 23 + 1 + 100 + 1 + 155
    expect(twitterText.parseTweet(text).weightedLength).toBe(280);
    expect(text.length).not.toBe(280);

    const accepted = await client.v2.tweet(text);
    expect(accepted.data.text).toBe(text);

    const err = await failure(client.v2.tweet(text + 'a'));
    expect(err.code).toBe(400);
    expect(err.data.title).toBe('Invalid Request');
    expect(err.errors?.[0]).toMatchObject({ message: expect.stringContaining('Your Tweet text is too long') });
    expect(emu.posts()).toHaveLength(1);
  });

  it('refuses duplicate content with a 403 whose detail names it, until the first post is deleted', async () => {
    await client.v2.tweet('Deposits are paused while we investigate.');
    const err = await failure(client.v2.tweet('Deposits are paused while we investigate.'));
    expect(err.code).toBe(403);
    expect(err.data.detail).toBe('You are not allowed to create a Tweet with duplicate content.');
    expect(err.rateLimit?.limit).toBe(200);
    expect(emu.posts()).toHaveLength(1);

    await client.v2.deleteTweet(emu.posts()[0]!.id);
    await expect(client.v2.tweet('Deposits are paused while we investigate.')).resolves.toBeTruthy();
  });

  it('surfaces an injected rate limit with rateLimit.reset readable from the error', async () => {
    emu.injectFault({ method: 'POST', path: '/2/tweets' }, { kind: 'ratelimit', resetInSec: 120 });
    const before = Math.floor(Date.now() / 1000);
    const err = await failure(client.v2.tweet('Update 1'));
    // Bracketed by the clock before and after the request, so a slow machine cannot fail it.
    const after = Math.floor(Date.now() / 1000);
    expect(err.code).toBe(429);
    expect(err.rateLimitError).toBe(true);
    expect(err.rateLimit?.remaining).toBe(0);
    expect(err.rateLimit?.reset).toBeGreaterThanOrEqual(before + 119);
    expect(err.rateLimit?.reset).toBeLessThanOrEqual(after + 122);
    expect(err.data).toMatchObject({ title: 'Too Many Requests', status: 429 });
    expect(emu.posts()).toHaveLength(0);

    // The fault was used once; the retry goes through.
    await expect(client.v2.tweet('Update 1')).resolves.toBeTruthy();
  });

  it('tells a usage cap apart from a rate limit', async () => {
    emu.injectFault({ path: '/2/tweets' }, { kind: 'usageCap' });
    const err = await failure(client.v2.tweet('Update 2'));
    expect(err.code).toBe(429);
    expect(err.data.type).toBe('https://api.twitter.com/2/problems/usage-capped');
    expect(err.data.title).toBe('UsageCapExceeded');
    // The 15-minute window still has room: waiting for its reset would not help.
    expect(err.rateLimit?.remaining).toBeGreaterThan(0);
  });

  it('enforces the per-user POST window with x-rate-limit headers when asked to', async () => {
    await emu.close();
    emu = await startXEmulator({ enforceLimits: true, limits: { postTweetsPer15Min: 2 } });
    client = new TwitterApi({ ...DEFAULT_X_CREDENTIALS }, xClientOptionsFor(emu.baseUrl));
    const first = await client.v2.post('tweets', { text: 'a' }, { fullResponse: true });
    expect(first.rateLimit).toMatchObject({ limit: 2, remaining: 1 });
    await client.v2.tweet('b');
    const err = await failure(client.v2.tweet('c'));
    expect(err.code).toBe(429);
    expect(err.rateLimit).toMatchObject({ limit: 2, remaining: 0 });
    expect(emu.posts().map((p) => p.text)).toEqual(['a', 'b']);
  });

  it('marks a deleted post deleted, hides it from lookups and refuses replies to it', async () => {
    const posted = await client.v2.tweet('Wrong link, retracting.');
    const deleted = await client.v2.deleteTweet(posted.data.id);
    expect(deleted.data.deleted).toBe(true);
    expect(emu.posts()[0]).toMatchObject({ id: posted.data.id, deleted: true });

    const lookup = await failure(client.v2.singleTweet(posted.data.id));
    expect(lookup.code).toBe(404);
    const reply = await failure(client.v2.reply('correction', posted.data.id));
    expect(reply.code).toBe(403);
    expect(reply.data.detail).toBe('You attempted to reply to a Tweet that is deleted or not visible to you.');
  });

  it('answers 401 to a wrong consumer key and to a signature made with the wrong secret', async () => {
    const wrongKey = new TwitterApi(
      { ...DEFAULT_X_CREDENTIALS, appKey: 'someone-elses-key' },
      xClientOptionsFor(emu.baseUrl),
    );
    const err = await failure(wrongKey.v2.tweet('should not land'));
    expect(err.code).toBe(401);
    expect(err.isAuthError).toBe(true);
    expect(err.data).toEqual({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });

    const wrongSecret = new TwitterApi(
      { ...DEFAULT_X_CREDENTIALS, accessSecret: 'leaked-and-rotated' },
      xClientOptionsFor(emu.baseUrl),
    );
    expect((await failure(wrongSecret.v2.me())).code).toBe(401);
    expect(emu.posts()).toHaveLength(0);
  });

  it('stores a post whose answer never comes, so the client times out not knowing', async () => {
    const impatient = new TwitterApi({ ...DEFAULT_X_CREDENTIALS }, xClientOptionsFor(emu.baseUrl, { timeoutMs: 300 }));
    emu.injectFault({ path: '/2/tweets' }, { kind: 'timeoutAfterStore' });
    await expect(impatient.v2.tweet('Exploit contained.')).rejects.toBeInstanceOf(ApiRequestError);
    expect(emu.posts().map((p) => p.text)).toEqual(['Exploit contained.']);

    // Resending the same statement is what X refuses as a duplicate.
    const err = await failure(impatient.v2.tweet('Exploit contained.'));
    expect(err.code).toBe(403);
  });

  it('fails requests at the network level while down, recovers, and lets waitFor follow posts', async () => {
    emu.setDown(true);
    await expect(client.v2.tweet('while down')).rejects.toBeInstanceOf(ApiRequestError);
    emu.setDown(false);

    const seen = emu.waitFor((e) => e.posts().find((p) => p.text === 'back up'), 2_000);
    await client.v2.tweet('back up');
    expect((await seen).author_id).toBe(DEFAULT_X_USER.id);
    expect(emu.posts().map((p) => p.text)).toEqual(['back up']);

    // A hung request must not keep close() waiting.
    emu.injectFault({ path: '/2/tweets' }, { kind: 'hang' });
    const hung = client.v2.tweet('never answered').catch((e: unknown) => e);
    await emu.waitFor((e) => e.requests.some((r) => r.fault === 'hang'), 2_000);
    await emu.close();
    expect(await hung).toBeInstanceOf(ApiRequestError);
  });

  it('accepts an OAuth 2.0 user bearer token and never records the Authorization header', async () => {
    await emu.close();
    emu = await startXEmulator({
      users: [{ id: '42', username: 'protocol', name: 'Protocol' }],
      credentials: { bearerUserToken: 'user-token-abc' },
    });
    const bearer = new TwitterApi('user-token-abc', xClientOptionsFor(emu.baseUrl));
    const posted = await bearer.v2.tweet('hello');
    expect(emu.posts()[0]?.author_id).toBe('42');
    expect(posted.data.id).toMatch(/^\d{15,19}$/);
    expect(emu.requests[0]?.auth).toBe('bearer');
    expect(JSON.stringify(emu.requests)).not.toContain('user-token-abc');
    expect(emu.requests.every((r) => !('authorization' in r.headers))).toBe(true);
  });
});
