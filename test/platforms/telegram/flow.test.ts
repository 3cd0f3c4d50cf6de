import { afterEach, describe, expect, it } from 'vitest';
import { buildView } from '../../../src/core/previews/view';
import type { StoredMessage } from '@herald/emulators/telegram';
import { audited } from '../../support/audit';
import { EXPLOIT_VARS, WEB_APP_VARS } from '../../support/vars';
import { CHANNEL_ID, COMMS_ID, containing, ID, startWorld, type World } from './world';

// The whole path from the private comms group to the channel, with the real telegraf bot
// against the loopback Bot API, and the emulator enforcing Telegram's rate limits.

let w: World;
afterEach(async () => w?.close());

const buttons = (m: StoredMessage | undefined) =>
  ((m?.reply_markup as { inline_keyboard?: Array<Array<{ callback_data?: string }>> } | undefined)?.inline_keyboard ?? []).flat().map((b) => b.callback_data);

describe('draft → approve → broadcast from the private group', () => {
  it('by command: the preview has buttons and the statement, two /approve publish, the preview shows the link', async () => {
    w = await startWorld({ emulator: { enforceLimits: true } });
    const draft = w.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    const header = await w.emu.waitFor(() => w.header(1));
    expect(header.reply_to_message_id).toBe(draft.message!.message_id);
    expect(header.text).toContain('Approvals: 0 of 2');
    expect(header.text).toContain('Next update: 15:00 UTC');
    expect(buttons(header)).toEqual(['approve:1:1', 'reject:1:1']);
    // The statement follows the header, the Telegram part with its formatting as it will be posted.
    const statement = await w.emu.waitFor(() => containing(w.shown(COMMS_ID), 'Telegram, as posted:')[0]);
    const part = buildView(w.herald.core, w.herald.core.db, 1).rendered.telegram[0]!;
    expect(statement.text).toContain(part.text);
    expect(statement.entities.filter((e) => e.type === 'bold').length).toBeGreaterThan(part.entities.filter((e) => e.type === 'bold').length);
    await w.emu.waitFor(() => containing(w.shown(COMMS_ID), 'X, 1 post:')[0] ?? containing(w.shown(COMMS_ID), 'X, thread')[0]);

    w.say('bob', '/approve 1');
    await w.emu.waitFor(() => containing(w.shown(COMMS_ID), 'bob approved #1 (1 of 2)')[0]);
    expect(w.shown(CHANNEL_ID)).toEqual([]);
    await w.emu.waitFor(() => w.header(1)!.text.includes('Approvals: 1 of 2 (bob)'));

    w.say('carol', '/approve@herald_test_bot #1');
    const post = await w.emu.waitFor(() => w.shown(CHANNEL_ID)[0]);
    await w.herald.worker.idle();
    expect(post.text).toBe(part.text);
    expect(post.entities).toEqual(expect.arrayContaining(part.entities));
    expect(post.sentParams).toMatchObject({ link_preview_options: { is_disabled: true } });
    expect(post.sentParams).not.toHaveProperty('parse_mode');
    expect(post.pinned).toBe(true); // sev1 policy pins
    const link = `https://t.me/acmefinance/${post.message_id}`;
    expect(w.delivery('telegram-main')).toMatchObject({ status: 'sent', link, attempts: 1 });
    expect(w.pubs.discord.postsTo('discord-main')).toHaveLength(1);
    expect(w.pubs.x.postsTo('x').length).toBeGreaterThan(0);

    const updated = await w.emu.waitFor(() => {
      const h = w.header(1)!;
      return h.text.includes(`✅ telegram-main (Telegram) — ${link}`) && h.text.includes('✅ x (X)') && h.text.includes('✅ discord-main') ? h : undefined;
    });
    expect(buttons(updated)).toEqual([]);
    // Paced under the limits: Telegram never had to say 429.
    expect(w.emu.requests.filter((r) => r.status === 429)).toEqual([]);
    // Every message herald put in the comms group is in the audit log.
    await w.adapter.stop();
    w.herald.core.audit.flush(); // sent-message events are group-committed on the next tick
    const recorded = new Set(audited(w.herald.core.db, 'message.sent').filter((e) => e.chatId === String(COMMS_ID)).flatMap((e) => e.data.messageIds as string[]));
    expect(w.emu.messages(COMMS_ID).map((m) => String(m.message_id)).filter((id) => !recorded.has(id))).toEqual([]);
    expect(audited(w.herald.core.db, 'message.sent').filter((e) => e.data.kind === 'preview-update').length).toBeGreaterThan(0);
  });

  it('by button: Approve is answered at once, publishes, and the buttons go away', async () => {
    w = await startWorld({ emulator: { enforceLimits: true } });
    w.say('alice', `/draft sev2/degraded-service ${WEB_APP_VARS}`);
    await w.emu.waitFor(() => w.header(1));
    const press = w.press('bob', 'approve', 1);
    const answer = await w.emu.waitFor(() => w.emu.callbackAnswers[0]);
    expect(answer).toMatchObject({ callback_query_id: press.callback_query!.id, show_alert: false });
    expect(answer.text).toContain('bob approved #1 (1 of 1). Broadcasting now.');
    const post = await w.emu.waitFor(() => w.shown(CHANNEL_ID)[0]);
    expect(post.text).toContain('we are working on a problem with our web app');
    const seqOf = (pred: (r: (typeof w.emu.requests)[number]) => boolean) => w.emu.requests.find(pred)!.seq;
    // The press is answered before anything else is sent.
    expect(seqOf((r) => r.method === 'answerCallbackQuery')).toBeLessThan(seqOf((r) => r.method === 'sendMessage' && r.params.chat_id === '@acmefinance'));
    await w.herald.worker.idle();
    await w.emu.waitFor(() => buttons(w.header(1)).length === 0 && w.header(1)!.text.includes('✅ telegram-main'));
    // The approval is also said in the group, under the preview.
    const said = await w.emu.waitFor(() => containing(w.shown(COMMS_ID), 'bob approved #1')[0]);
    expect(said.reply_to_message_id).toBe(w.header(1)!.message_id);
    expect(w.emu.requests.filter((r) => r.status === 429)).toEqual([]);
  });

  it('by button: Reject asks for the reason as a reply, and the reply closes the draft', async () => {
    w = await startWorld();
    w.say('alice', `/draft sev2/degraded-service ${WEB_APP_VARS}`);
    const header = await w.emu.waitFor(() => w.header(1));
    w.press('carol', 'reject', 1);
    const prompt = await w.emu.waitFor(() => containing(w.shown(COMMS_ID), 'why are you rejecting #1')[0]);
    expect(prompt.reply_to_message_id).toBe(header.message_id);
    expect(prompt.sentParams).toMatchObject({ reply_markup: { force_reply: true, selective: true } });
    expect(prompt.entities[0]).toMatchObject({ type: 'text_mention', user: { id: ID.carol } });
    expect(w.emu.callbackAnswers[0]?.text).toContain('reason');
    // Nothing is decided by the press alone.
    expect(w.header(1)!.text).toContain('awaiting approval');

    w.emu.sendUserMessage({ chatId: COMMS_ID, from: ID.carol, text: 'the site is fine, it was a false alarm', replyToMessageId: prompt.message_id });
    await w.emu.waitFor(() => containing(w.shown(COMMS_ID), 'carol rejected #1: the site is fine, it was a false alarm')[0]);
    const closed = await w.emu.waitFor(() => (w.header(1)!.text.includes('rejected') ? w.header(1) : undefined));
    expect(closed.text).toContain('the site is fine, it was a false alarm');
    expect(buttons(closed)).toEqual([]);
    expect(w.shown(CHANNEL_ID)).toEqual([]);
    expect(audited(w.herald.core.db, 'command.received').map((e) => [e.data.raw, e.data.via])).toContainEqual(['the site is fine, it was a false alarm', 'button']);
  });
});
