import { afterEach, describe, expect, it } from 'vitest';
import { faqReplies } from '../../../src/store/schema';
import { audited } from '../../support/audit';
import { CH, USER } from '../../support/cast';
import { privateTexts, settle, slash, startDiscord, visible, type Setup } from './setup';

let s: Setup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('Discord: FAQ answers', () => {
  it('posts a moderator\'s /faq publicly in that channel, and answers anyone else privately; both logged', async () => {
    s = await startDiscord();
    const mod = await slash(s, 'dave', 'faq', { topic: 'funds-safe' }, CH.lounge);
    const [answer] = visible(s, CH.lounge);
    expect(answer?.content).toContain('Are my funds safe?');
    expect(answer?.allowed_mentions).toEqual({ parse: [] });
    expect(s.emu.interactionResponses(mod).map((r) => r.kind)).toEqual(['callback', 'deleteOriginal']);

    const member = await slash(s, 'mallory', 'faq', { topic: 'funds-safe' }, CH.lounge);
    expect(visible(s, CH.lounge)).toHaveLength(1);
    expect(privateTexts(s, member).join('\n')).toContain('Are my funds safe?');
    expect(s.emu.messages(CH.lounge).filter((m) => m.ephemeral && m.content.includes('Are my funds safe?'))).toHaveLength(1);

    const rows = s.herald.core.db.select().from(faqReplies).all();
    expect(rows.map((r) => [r.topic, r.userId, r.public, r.chatId])).toEqual([
      ['funds-safe', USER.dave, true, CH.lounge],
      ['funds-safe', USER.mallory, false, CH.lounge],
    ]);
    expect(audited(s.herald.core.db, 'message.sent').filter((e) => e.data.kind === 'faq').map((e) => e.data.private)).toEqual([false, true]);
  });

  it('tells the moderator privately when herald may not post in that channel', async () => {
    s = await startDiscord();
    s.emu.injectFault({ method: 'POST', path: `/channels/${CH.lounge}/messages` }, { kind: 'error', status: 403, code: 50001, message: 'Missing Access' });
    const cmd = await slash(s, 'dave', 'faq', { topic: 'funds-safe' }, CH.lounge);
    expect(privateTexts(s, cmd)).toEqual([
      'herald could not post its answer here: Discord refused the message: herald is missing access to this channel (50001 Missing Access); give the bot View Channel and Send Messages there.',
    ]);
    expect(visible(s, CH.lounge)).toEqual([]);
  });

  it('lists topics without one, and names the topics when one does not exist', async () => {
    s = await startDiscord();
    const list = await slash(s, 'mallory', 'faq', {}, CH.lounge);
    expect(privateTexts(s, list)).toEqual([expect.stringMatching(/^FAQ topics: .*funds-safe.*\. Use \/faq <topic>\.$/)]);
    const wrong = await slash(s, 'dave', 'faq', { topic: 'refunds' }, CH.lounge);
    expect(privateTexts(s, wrong)).toEqual([expect.stringMatching(/^There is no FAQ topic `refunds`; the topics are /)]);
    expect(visible(s, CH.lounge)).toEqual([]);
  });

  it('answers a member\'s question from the message menu: the moderator picks the entry, the answer replies to the question', async () => {
    s = await startDiscord();
    const question = s.emu.postMessage({ channelId: CH.lounge, userId: USER.mallory, content: 'is my money safe??' });
    const menu = await s.emu.sendInteraction({ kind: 'messageCommand', name: 'Answer with FAQ', targetMessageId: question.id, channelId: CH.lounge, userId: USER.dave });
    const picker = await s.emu.waitFor(() => s!.emu.interactionResponses(menu.id).find((r) => r.kind === 'editOriginal'));
    expect(s.emu.interactionResponses(menu.id)[0]).toMatchObject({ kind: 'callback', type: 5, data: { flags: 64 } });

    const pick = await s.emu.sendInteraction({ kind: 'select', customId: `faq:${question.id}`, values: ['funds-safe'], messageId: picker.messageId!, channelId: CH.lounge, userId: USER.dave });
    await s.emu.waitFor(() => s!.emu.interactionResponses(pick.id).length > 0);
    await settle(s);
    const answer = visible(s, CH.lounge).at(-1);
    expect(answer?.content).toContain('Are my funds safe?');
    expect(answer?.message_reference).toMatchObject({ message_id: question.id });
    // The asker is notified of the answer; nobody else is.
    expect(answer?.mentions.map((m) => m.id)).toEqual([USER.mallory]);
    expect(answer).toMatchObject({ mention_everyone: false, mention_roles: [] });
    expect(audited(s.herald.core.db, 'command.received').map((e) => e.data.raw)).toEqual([`[Answer with FAQ: funds-safe → message ${question.id}]`]);
  });
});
