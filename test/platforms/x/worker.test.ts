import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../../src/store/db';
import { DEFAULT_X_USER } from '@herald/emulators/x';
import { MemoryChat } from '../../support/chat';
import { partsOf } from '../../support/rows';
import { until } from '../../support/until';
import { livePosts, onNthPost, POST, postRequests, publishThread, xDelivery, xHerald } from './helpers';

let h: Awaited<ReturnType<typeof xHerald>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});


describe('X through the delivery worker', () => {
  it('posts the statement as a numbered reply chain, saving each post id and the link to the first', async () => {
    h = await xHerald();
    publishThread(h.chat);
    await h.herald.worker.idle();

    const posts = livePosts(h.emu);
    expect(posts.map((p) => p.text.split('\n').at(-1))).toEqual(['1/3', '2/3', '3/3']);
    expect(posts.map((p) => p.in_reply_to_tweet_id)).toEqual([undefined, posts[0]!.id, posts[1]!.id]);
    const d = xDelivery(h.db);
    expect(d).toMatchObject({ status: 'sent', link: `https://x.com/${DEFAULT_X_USER.username}/status/${posts[0]!.id}` });
    expect(partsOf(h.db, d.id).map((p) => [p.status, p.messageId])).toEqual(posts.map((p) => ['sent', p.id]));
    expect(h.chat.say('alice', '/status #1').text).toContain(`✅ x (X) — https://x.com/${DEFAULT_X_USER.username}/status/${posts[0]!.id}`);
  });

  it('a 5xx on the second part: the first keeps its id and the retry posts only the rest', async () => {
    h = await xHerald();
    onNthPost(h.emu, 2, () => h!.emu.injectFault(POST, { kind: 'status', status: 503 }));
    publishThread(h.chat);
    await h.herald.worker.idle();

    const posts = livePosts(h.emu);
    expect(posts).toHaveLength(3);
    expect(posts.map((p) => p.in_reply_to_tweet_id)).toEqual([undefined, posts[0]!.id, posts[1]!.id]);
    // part 1, part 2 refused, part 2 again, part 3: the first part was never sent again.
    expect(postRequests(h.emu).map((r) => r.status)).toEqual([201, 503, 201, 201]);
    const d = xDelivery(h.db);
    expect(d).toMatchObject({ status: 'sent', attempts: 2 });
    expect(partsOf(h.db, d.id).map((p) => p.messageId)).toEqual(posts.map((p) => p.id));
  });

  it('a restart in the middle of a thread resumes at the part that was not posted', async () => {
    h = await xHerald();
    const { emu, config } = h;
    onNthPost(emu, 3, () => emu.injectFault(POST, { kind: 'ratelimit', resetInSec: 1 }));
    publishThread(h.chat);
    await emu.waitFor((e) => postRequests(e).some((r) => r.status === 429));
    await h.herald.close(); // the process stops while the worker waits out the limit

    const stopped = openDb(config.paths.db);
    const before = partsOf(stopped, xDelivery(stopped).id);
    stopped.$client.close();
    expect(before.map((p) => p.status)).toEqual(['sent', 'sent', 'sending']);
    const requestsBefore = postRequests(emu).length;

    // The second run: a new herald on the same database, with a new X adapter.
    const second = await xHerald({ emu, config });
    const herald = second.herald;
    h.close = async () => {
      await second.close();
      await emu.close();
    };
    herald.worker.kick();
    // The new process keeps the wait X asked for: the delivery resumes once the limit resets.
    await until(() => xDelivery(herald.core.db).status !== 'pending', { what: 'the resumed thread' });
    await herald.worker.idle();

    expect(postRequests(emu).length - requestsBefore).toBe(1);
    const posts = livePosts(emu);
    expect(posts).toHaveLength(3);
    expect(posts.map((p) => p.in_reply_to_tweet_id)).toEqual([undefined, posts[0]!.id, posts[1]!.id]);
    const after = partsOf(herald.core.db, xDelivery(herald.core.db).id);
    expect(after.map((p) => p.messageId)).toEqual(posts.map((p) => p.id));
    expect(after.slice(0, 2).map((p) => p.messageId)).toEqual(before.slice(0, 2).map((p) => p.messageId));
    expect(xDelivery(herald.core.db).status).toBe('sent');
    expect(new MemoryChat(herald).say('alice', '/status #1').text).toContain('✅ x (X)');
  });

  it('a 429 with a reset: the worker waits until the reset, then posts', async () => {
    h = await xHerald();
    h.emu.injectFault(POST, { kind: 'ratelimit', resetInSec: 1 });
    publishThread(h.chat);
    await h.emu.waitFor((e) => postRequests(e).some((r) => r.status === 429));
    // The worker recorded the failed attempt and when it will try again.
    await until(() => xDelivery(h!.db).notBefore, { what: 'the rate-limited attempt to be recorded with its retry time' });
    expect(h.chat.say('alice', '/status #1').text).toMatch(/⏳ x \(X\) — X's rate limit for this request is used up .*; retrying at \d\d:\d\d:\d\d UTC/);
    await h.herald.worker.idle();

    const [limited, retried] = postRequests(h.emu);
    expect(limited!.status).toBe(429);
    expect(Date.parse(retried!.at) - Date.parse(limited!.at)).toBeGreaterThanOrEqual(950);
    expect(livePosts(h.emu)).toHaveLength(3);
    expect(xDelivery(h.db)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('an answer lost after X stored the part: the resend is refused as a duplicate and the stored post is recorded', async () => {
    h = await xHerald({ delivery: { request_timeout_ms: 1_500 } });
    onNthPost(h.emu, 2, () => h!.emu.injectFault(POST, { kind: 'timeoutAfterStore' }));
    publishThread(h.chat);
    await h.herald.worker.idle();

    const posts = livePosts(h.emu);
    expect(posts).toHaveLength(3); // exactly one copy of each part
    expect(posts.map((p) => p.in_reply_to_tweet_id)).toEqual([undefined, posts[0]!.id, posts[1]!.id]);
    const d = xDelivery(h.db);
    expect(d).toMatchObject({ status: 'sent', attempts: 2 });
    expect(partsOf(h.db, d.id).map((p) => p.messageId)).toEqual(posts.map((p) => p.id));
    expect(h.emu.requests.some((r) => r.path === `/2/users/${DEFAULT_X_USER.id}/tweets`)).toBe(true);
  });
});
