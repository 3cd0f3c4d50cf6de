import { afterEach, describe, expect, it } from 'vitest';
import { deliveriesTo } from '../../support/rows';
import { livePosts, postRequests, publishThread, xHerald } from './helpers';

let h: Awaited<ReturnType<typeof xHerald>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Values that change every part of the thread, so no corrected part repeats an original one. */
const CORRECTED =
  'affected="以太坊上的USDC和DAI借贷池 (the USDC and DAI lending pools on Ethereum)" user_action="请不要向任何Acme资金池存款。Do not deposit into any Acme pool, and do not sign any transaction that asks for an approval." next_update="30分钟内 (by 14:30 UTC)"';

describe('corrections and retractions on X', () => {
  it('a correction is posted as a reply thread to the first post of the original', async () => {
    h = await xHerald();
    publishThread(h.chat);
    await h.herald.worker.idle();
    const original = livePosts(h.emu);

    h.chat.say('alice', `/correct #1 ${CORRECTED}`);
    h.chat.say('bob', '/approve #1');
    h.chat.say('carol', '/approve #1');
    await h.herald.worker.idle();

    const correction = livePosts(h.emu).slice(original.length);
    expect(correction.length).toBeGreaterThan(0);
    // The original stays up, untouched; the correction answers its first post and chains on.
    expect(livePosts(h.emu).slice(0, original.length)).toEqual(original);
    expect(correction.map((p) => p.in_reply_to_tweet_id)).toEqual([original[0]!.id, ...correction.slice(0, -1).map((p) => p.id)]);
    expect(correction.map((p) => p.conversation_id)).toEqual(correction.map(() => original[0]!.id));
    expect(correction.at(-1)!.text).toMatch(/Corrected \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(correction.some((p) => p.text.includes('14:30 UTC'))).toBe(true);
    expect(postRequests(h.emu).map((r) => r.status)).toEqual(postRequests(h.emu).map(() => 201));
    const rows = deliveriesTo(h.db, 'x');
    expect(rows.map((d) => d.status)).toEqual(['sent', 'sent']);
  });

  it('a correction that changes one value is one post naming it, answering the original: X never sees a repeat', async () => {
    h = await xHerald();
    publishThread(h.chat);
    await h.herald.worker.idle();
    const original = livePosts(h.emu);

    h.chat.say('alice', '/correct #1 next_update="30分钟内 (by 14:30 UTC)"');
    h.chat.say('bob', '/approve #1');
    h.chat.say('carol', '/approve #1');
    await h.herald.worker.idle();

    const posts = livePosts(h.emu);
    const correction = posts.slice(original.length);
    // Not the thread again: one post that says what changed.
    expect(correction).toHaveLength(1);
    expect(new Set(posts.map((p) => p.text)).size).toBe(posts.length);
    expect(correction[0]!.text).toMatch(/^Correction: we changed next update in the update above\.\nNext update: 14:30 UTC\n/);
    expect(correction[0]!.in_reply_to_tweet_id).toBe(original[0]!.id);
    expect(correction.map((p) => p.text).join('\n')).toMatch(/14:30 UTC[\s\S]*Corrected/);
    const rows = deliveriesTo(h.db, 'x');
    expect(rows.map((d) => d.status)).toEqual(['sent', 'sent']);
  });

  it('a correction that leaves the X text as it was posts nothing on X', async () => {
    h = await xHerald();
    publishThread(h.chat);
    await h.herald.worker.idle();
    const before = h.emu.posts().length;
    h.chat.say('alice', '/correct #1 confirmed_facts="At 13:42 UTC our monitoring detected abnormal withdrawals."');
    h.chat.say('bob', '/approve #1');
    expect(h.chat.say('carol', '/approve #1').text).toBe('carol approved #1 (2 of 2). Correcting now.');
    await h.herald.worker.idle();
    expect(h.emu.posts()).toHaveLength(before);
    expect(deliveriesTo(h.db, 'x')).toHaveLength(1);
  });

  it('a retraction deletes every post of the statement, the correction included', async () => {
    h = await xHerald();
    publishThread(h.chat);
    await h.herald.worker.idle();
    h.chat.say('alice', `/correct #1 ${CORRECTED}`);
    h.chat.say('bob', '/approve #1');
    h.chat.say('carol', '/approve #1');
    await h.herald.worker.idle();
    expect(livePosts(h.emu).length).toBeGreaterThan(3);

    h.chat.say('alice', '/retract #1 posted in error during the drill');
    h.chat.say('bob', '/approve #1');
    expect(h.chat.say('carol', '/approve #1').text).toBe('carol approved #1 (2 of 2). Retracting now.');
    await h.herald.worker.idle();

    // Every post of the statement is gone; what is left is the sev1 retraction notice saying why.
    const [notice, ...others] = livePosts(h.emu);
    expect(others).toEqual([]);
    expect(notice!.text).toMatch(/^⚠️ Acme Finance: we have removed our update of \d{4}-\d\d-\d\d \d\d:\d\d UTC\. Please disregard it\.\n\nWhy: posted in error during the drill\n/);
    expect(notice!.in_reply_to_tweet_id).toBeUndefined();
    expect(h.emu.posts().filter((p) => p.id !== notice!.id).every((p) => p.deleted)).toBe(true);
    const rows = deliveriesTo(h.db, 'x');
    expect(rows.map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
  });
});
