import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { faqReplies } from '../../../src/store/schema';
import { until } from '../../support/until';
import { audited } from '../../support/audit';
import { COMMUNITY_ID, ID, startWorld, type World } from './world';

// Moderators answer the community with canned replies; everyone else is answered privately.

let w: World;
afterEach(async () => w?.close());

const faqRows = () => w.herald.core.db.select().from(faqReplies).where(eq(faqReplies.platform, 'telegram')).all();

describe('/faq on Telegram', () => {
  it("a moderator's /faq sent as a reply answers the member's message; without a reply it is posted", async () => {
    w = await startWorld();
    const question = w.say('manny', 'are my funds safe??', COMMUNITY_ID);
    w.emu.sendUserMessage({ chatId: COMMUNITY_ID, from: ID.dave, text: '/faq funds-safe', replyToMessageId: question.message!.message_id });
    const answer = await w.emu.waitFor(() => w.shown(COMMUNITY_ID)[0]);
    expect(answer.reply_to_message_id).toBe(question.message!.message_id);
    expect(answer.text).toMatch(/^Are my funds safe\?/);
    expect(answer.entities[0]).toMatchObject({ type: 'bold', offset: 0 });

    w.say('dave', '/faq scam-warning', COMMUNITY_ID);
    const posted = await w.emu.waitFor(() => w.shown(COMMUNITY_ID)[1]);
    expect(posted.reply_to_message_id).toBeUndefined();
    await until(() => faqRows().length === 2, { what: 'both FAQ answers to be recorded' });
    expect(faqRows().map((r) => [r.topic, r.userId, r.public, r.messageId])).toEqual([
      ['funds-safe', String(ID.dave), true, String(answer.message_id)],
      ['scam-warning', String(ID.dave), true, String(posted.message_id)],
    ]);
  });

  it('anyone else gets the answer by direct message, or a short refusal when the bot cannot write to them', async () => {
    w = await startWorld();
    // Manny has started the bot: the answer goes to him alone.
    w.say('manny', '/faq funds-safe', COMMUNITY_ID);
    const direct = await w.emu.waitFor(() => w.shown(ID.manny)[0]);
    expect(direct.text).toMatch(/^Are my funds safe\?/);
    expect(w.shown(COMMUNITY_ID)).toEqual([]);

    // Mallory blocked the bot: a short refusal in the group, quoting her command.
    w.emu.setBotStatus({ chatId: ID.mallory, status: 'kicked' });
    const ask = w.say('mallory', '/faq funds-safe', COMMUNITY_ID);
    const refusal = await w.emu.waitFor(() => w.shown(COMMUNITY_ID)[0]);
    expect(refusal.reply_to_message_id).toBe(ask.message!.message_id);
    expect(refusal.text).toBe('Only moderators post FAQ answers here. To read it privately, open @herald_test_bot, press Start and send /faq funds-safe');
    await until(() => audited(w.herald.core.db, 'message.sent').length === 2, { what: 'both messages to be recorded as sent' });
    expect(faqRows().map((r) => [r.userId, r.public, r.chatId])).toEqual([[String(ID.manny), false, String(ID.manny)]]);
    const logged = audited(w.herald.core.db, 'message.sent').filter((e) => e.data.private === true).map((e) => [e.chatId, e.data.kind]);
    expect(logged).toEqual([
      [String(ID.manny), 'faq'],
      [String(COMMUNITY_ID), 'reply'],
    ]);
  });
});
