import { afterEach, describe, expect, it } from 'vitest';
import { approvals, drafts } from '../../../src/store/schema';
import { COMMANDS } from '../../../src/core/commands/definitions';
import { audited } from '../../support/audit';
import { WEB_APP_VARS } from '../../support/vars';
import { CHANNEL_ID, COMMS_ID, COMMUNITY_ID, containing, ID, startWorld, type World } from './world';

// Who may do what, and where, as Telegram delivers it: the checks are herald's, the adapter
// must only describe each update faithfully (chat, sender, edited, anonymous).

let w: World;
afterEach(async () => w?.close());

const approvalCount = () => w.herald.core.db.select().from(approvals).all().length;
const draftCount = () => w.herald.core.db.select().from(drafts).all().length;
const replyTo = (chatId: number, messageId: number) => w.emu.waitFor(() => w.shown(chatId).find((m) => m.reply_to_message_id === messageId));

async function draftOne() {
  w.say('alice', `/draft sev2/degraded-service ${WEB_APP_VARS}`);
  return w.emu.waitFor(() => w.header(1)?.reply_markup && w.header(1));
}

describe('refused: outsiders, direct messages, edits, anonymous admins, channel posts', () => {
  it('an unauthorised user can neither draft nor approve, by command or by button', async () => {
    w = await startWorld();
    const tryDraft = w.say('mallory', `/draft sev2/degraded-service ${WEB_APP_VARS}`);
    const refusal = await replyTo(COMMS_ID, tryDraft.message!.message_id);
    expect(refusal.text).toBe('/draft needs the drafter role and you have no herald role; ask an operator to add you in herald.config.yaml.');
    expect(draftCount()).toBe(0);

    await draftOne();
    w.press('mallory', 'approve', 1);
    const answer = await w.emu.waitFor(() => w.emu.callbackAnswers[0]);
    expect(answer).toMatchObject({ show_alert: true });
    expect(answer.text).toMatch(/^\/approve needs the approver role/);
    const tryApprove = w.say('mallory', '/approve 1');
    await replyTo(COMMS_ID, tryApprove.message!.message_id);
    expect(approvalCount()).toBe(0);
    expect(w.shown(CHANNEL_ID)).toEqual([]);
    // Reject by an outsider does not even ask for a reason.
    w.press('mallory', 'reject', 1);
    await w.emu.waitFor(() => w.emu.callbackAnswers[1]);
    expect(w.emu.callbackAnswers[1]!.text).toMatch(/^\/reject needs the approver role/);
    expect(containing(w.shown(COMMS_ID), 'why are you rejecting')).toEqual([]);
    expect(audited(w.herald.core.db, 'command.refused').map((e) => e.data.command)).toEqual(['draft', 'approve', 'approve', 'reject']);
  });

  it('a direct message never drafts; /start there answers with the help', async () => {
    w = await startWorld();
    const dm = w.say('alice', `/draft sev2/degraded-service ${WEB_APP_VARS}`, ID.alice);
    const refusal = await replyTo(ID.alice, dm.message!.message_id);
    expect(refusal.text).toBe('/draft works only in the private comms channel; send it there.');
    expect(draftCount()).toBe(0);
    const start = w.say('manny', '/start', ID.manny);
    const help = await replyTo(ID.manny, start.message!.message_id);
    expect(help.text).toMatch(/^Commands you may use:\n\/faq \[topic\]/);
    expect(help.text).not.toContain('/draft');
  });

  it('an edited message, an anonymous admin and a channel post never approve', async () => {
    w = await startWorld();
    await draftOne();
    const typo = w.say('bob', '/aprove 1');
    await replyTo(COMMS_ID, typo.message!.message_id);
    w.emu.editUserMessage({ chatId: COMMS_ID, messageId: typo.message!.message_id, text: '/approve 1' });
    const edited = await w.emu.waitFor(() => containing(w.shown(COMMS_ID), 'Edited messages do not run commands')[0]);
    expect(edited.reply_to_message_id).toBe(typo.message!.message_id);

    const anon = w.say('anonymousAdmin', '/approve 1');
    const anonReply = await replyTo(COMMS_ID, anon.message!.message_id);
    expect(anonReply.text).toMatch(/^Anonymous admins cannot use herald/);

    w.emu.channelPost({ chatId: CHANNEL_ID, text: '/approve 1' });
    const later = w.say('bob', '/status 1');
    await replyTo(COMMS_ID, later.message!.message_id);
    expect(approvalCount()).toBe(0);
    // Nothing is ever said in the announcement channel, but the attempt is on record.
    expect(w.shown(CHANNEL_ID)).toEqual([]);
    const refused = audited(w.herald.core.db, 'command.refused');
    expect(refused.map((e) => [e.chatId, e.data.command])).toEqual([
      [String(COMMS_ID), 'aprove'],
      [String(COMMS_ID), 'approve'],
      [String(COMMS_ID), 'approve'],
      [String(CHANNEL_ID), 'approve'],
    ]);
  });
});

describe('once only, and only what is ours', () => {
  it('the same update delivered twice has one effect (a command and a button press)', async () => {
    w = await startWorld();
    const draft = w.say('alice', `/draft sev2/degraded-service ${WEB_APP_VARS}`);
    await w.emu.waitFor(() => w.header(1)?.reply_markup);
    w.emu.redeliver(draft);
    const press = w.press('bob', 'approve', 1);
    await w.emu.waitFor(() => w.shown(CHANNEL_ID)[0]);
    w.emu.redeliver(press);
    const status = w.say('alice', '/status');
    await replyTo(COMMS_ID, status.message!.message_id);
    await w.herald.worker.idle();
    expect(draftCount()).toBe(1);
    expect(approvalCount()).toBe(1);
    expect(w.shown(COMMS_ID).filter((m) => m.text.startsWith('#1 · '))).toHaveLength(1);
    expect(w.shown(CHANNEL_ID)).toHaveLength(1);
    expect(w.emu.requestsFor('answerCallbackQuery')).toHaveLength(1);
    expect(audited(w.herald.core.db, 'command.replayed')).toHaveLength(2);
  });

  it('commands for other bots are left alone; the command menu comes from herald\'s commands', async () => {
    w = await startWorld();
    w.say('alice', '/status@some_other_bot');
    w.say('manny', '/price', COMMUNITY_ID);
    const mine = w.say('alice', '/whatever');
    const answer = await replyTo(COMMS_ID, mine.message!.message_id);
    // The command is shown as code, as Discord shows it: an entity, not literal backticks.
    expect(answer.text).toBe('/whatever is not a herald command; /help lists the commands you may use.');
    expect(answer.entities.filter((e) => e.type === 'code')).toEqual([{ type: 'code', offset: 0, length: '/whatever'.length }]);
    const addressed = w.say('manny', '/help@herald_test_bot', COMMUNITY_ID);
    await replyTo(COMMUNITY_ID, addressed.message!.message_id);
    expect(w.shown(COMMS_ID)).toHaveLength(1);
    expect(w.shown(COMMUNITY_ID)).toHaveLength(1);

    const everywhere = w.emu.myCommands().map((c) => c.command);
    expect(everywhere).toEqual(Object.values(COMMANDS).filter((c) => !c.commsOnly).map((c) => c.name));
    const comms = w.emu.myCommands({ type: 'chat', chat_id: String(COMMS_ID) });
    expect(comms).toEqual(Object.values(COMMANDS).map((c) => ({ command: c.name, description: c.summary })));
  });
});
