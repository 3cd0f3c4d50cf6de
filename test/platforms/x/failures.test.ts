import { afterEach, describe, expect, it } from 'vitest';
import { audited } from '../../support/audit';
import { partsOf } from '../../support/rows';
import { livePosts, onNthPost, POST, postRequests, publishThread, xDelivery, xHerald } from './helpers';

let h: Awaited<ReturnType<typeof xHerald>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});


describe('X failures reported to the comms lead', () => {
  it("a thread's third part fails permanently: parts one and two are recorded with their ids and the failure is reported", async () => {
    h = await xHerald();
    onNthPost(h.emu, 3, () => h!.emu.injectFault(POST, { kind: 'forbidden' }));
    publishThread(h.chat);
    await h.herald.worker.idle();

    const posts = livePosts(h.emu);
    expect(posts).toHaveLength(2);
    const d = xDelivery(h.db);
    expect(d.status).toBe('failed');
    expect(d.attempts).toBe(1); // a permanent refusal is not retried
    expect(d.lastError).toMatch(/^X refused part 3\/3 of the thread \(403 Forbidden\); check that the app's permissions are "Read and write"/);
    expect(partsOf(h.db, d.id).map((p) => [p.idx, p.status, p.messageId])).toEqual([
      [0, 'sent', posts[0]!.id],
      [1, 'sent', posts[1]!.id],
      [2, 'sending', null],
    ]);
    const status = h.chat.say('alice', '/status #1').text;
    expect(status).toContain('❌ x (X) — X refused part 3/3 of the thread (403 Forbidden)');
    expect(status).toContain('not retried');
    // The other platforms were not held up.
    expect(status).toMatch(/✅ discord-main[\s\S]*✅ telegram-main/);
  });

  it('the usage cap fails the delivery at once, with the reason', async () => {
    h = await xHerald();
    h.emu.injectFault(POST, { kind: 'usageCap', period: 'Monthly', scope: 'Product' });
    publishThread(h.chat);
    await h.herald.worker.idle();

    expect(livePosts(h.emu)).toEqual([]);
    expect(xDelivery(h.db)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(h.chat.say('alice', '/status #1').text).toContain('❌ x (X) — X usage cap reached for this app (monthly); posts resume when the cap resets');
  });

  it('a rate limit resetting later than the wait bound fails the delivery instead of blocking it', async () => {
    h = await xHerald(); // the fixture bounds any wait at 2 s
    h.emu.injectFault(POST, { kind: 'ratelimit', resetInSec: 600 });
    publishThread(h.chat);
    await h.herald.worker.idle();

    expect(postRequests(h.emu)).toHaveLength(1);
    const d = xDelivery(h.db);
    expect(d.status).toBe('failed');
    // Failed on the first attempt, with no retry scheduled: nothing waits for the reset.
    expect(d).toMatchObject({ attempts: 1, notBefore: null });
    const attempts = audited(h.db, 'delivery.attempt').filter((e) => e.data.target === 'x').map((e) => e.data);
    expect(attempts).toEqual([expect.objectContaining({ attempt: 1, ok: false })]);
    expect(attempts[0]).not.toHaveProperty('retryInMs');
    expect(d.lastError).toMatch(/X's rate limit for this request is used up .*; X asked herald to wait 10 min, longer than the 2 s bound/);
  });

  it('a server error on every attempt gives up after the configured attempts, keeping what was posted', async () => {
    h = await xHerald();
    onNthPost(h.emu, 2, () => h!.emu.injectFault(POST, { kind: 'status', status: 500 }, 5));
    publishThread(h.chat);
    await h.herald.worker.idle();

    const d = xDelivery(h.db);
    expect(d).toMatchObject({ status: 'failed', attempts: 5 });
    expect(d.lastError).toBe('X answered 500 Internal Server Error to part 2/3 of the thread; gave up after 5 attempts');
    expect(partsOf(h.db, d.id)[0]!.messageId).toBe(livePosts(h.emu)[0]!.id);
    expect(livePosts(h.emu)).toHaveLength(1);
  });
});
