import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiResponseError, TwitterApi } from 'twitter-api-v2';
import { DEFAULT_X_CREDENTIALS, DEFAULT_X_USER, startXEmulator, type XEmulator } from '@herald/emulators/x';
import { xClientOptionsFor } from '../../../src/platforms/x/base-url-plugin';

/** The emulator route the X publisher relies on to find a post X calls a duplicate. */
let emu: XEmulator;
let client: TwitterApi;
beforeEach(async () => {
  emu = await startXEmulator();
  client = new TwitterApi({ ...DEFAULT_X_CREDENTIALS }, xClientOptionsFor(emu.baseUrl, { timeoutMs: 2000 }));
});
afterEach(async () => emu.close());

describe('X emulator: GET /2/users/:id/tweets through twitter-api-v2', () => {
  it('lists the account’s live posts newest first, replies included, with reply references on request', async () => {
    const root = await client.v2.tweet('Root.');
    const reply = await client.v2.reply('Reply.', root.data.id);
    const gone = await client.v2.tweet('Deleted.');
    await client.v2.deleteTweet(gone.data.id);

    const page = await client.v2.userTimeline(DEFAULT_X_USER.id, { max_results: 5, 'tweet.fields': ['referenced_tweets'] });
    expect(page.tweets.map((t) => t.text)).toEqual(['Reply.', 'Root.']);
    expect(page.tweets[0]!.referenced_tweets).toEqual([{ type: 'replied_to', id: root.data.id }]);
    expect(page.meta).toMatchObject({ result_count: 2, newest_id: reply.data.id, oldest_id: root.data.id });
  });

  it('pages with next_token and refuses max_results outside 5–100', async () => {
    for (let i = 1; i <= 7; i++) await client.v2.tweet(`Post ${i}.`);
    const page = await client.v2.userTimeline(DEFAULT_X_USER.id, { max_results: 5 });
    expect(page.tweets.map((t) => t.text)).toEqual(['Post 7.', 'Post 6.', 'Post 5.', 'Post 4.', 'Post 3.']);
    const next = await page.next();
    expect(next.tweets.map((t) => t.text)).toEqual(['Post 2.', 'Post 1.']);

    const err = await client.v2.userTimeline(DEFAULT_X_USER.id, { max_results: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiResponseError);
    expect((err as ApiResponseError).code).toBe(400);
  });
});
