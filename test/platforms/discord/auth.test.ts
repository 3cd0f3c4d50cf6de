import { afterEach, describe, expect, it } from 'vitest';
import { approvals, drafts } from '../../../src/store/schema';
import { audited, expectAudit } from '../../support/audit';
import { until } from '../../support/until';
import { CH, USER } from '../../support/cast';
import { EXPLOIT_VARS } from '../../support/vars';
import { buttonIds, lastDraftId, press, previewHeaders, privateTexts, settle, slash, startDiscord, texts, visible, type Setup } from './setup';

let s: Setup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('Discord: who may do what, checked by herald on every command and press', () => {
  it('refuses a member without a herald role, privately, and drafts nothing', async () => {
    s = await startDiscord();
    const cmd = await slash(s, 'mallory', 'draft', { template: 'sev1/exploit-investigating', vars: EXPLOIT_VARS });
    expect(s.emu.interactionResponses(cmd)[0]).toMatchObject({ kind: 'callback', type: 5, data: { flags: 64 } });
    expect(privateTexts(s, cmd)).toEqual(['/draft needs the drafter role and you have no herald role; ask an operator to add you in herald.config.yaml.']);
    expect(visible(s, CH.comms)).toEqual([]);
    expect(s.herald.core.db.select().from(drafts).all()).toEqual([]);
    expectAudit(s.herald.core.db, 'command.refused').toEqual([expect.objectContaining({ command: 'draft', code: 'forbidden' })]);
  });

  it('refuses drafting outside the comms channel, even for a drafter, and says where to go', async () => {
    s = await startDiscord();
    const cmd = await slash(s, 'alice', 'draft', { template: 'sev1/exploit-investigating', vars: EXPLOIT_VARS }, CH.lounge);
    expect(privateTexts(s, cmd)).toEqual(['/draft works only in the private comms channel; send it there.']);
    expect(visible(s, CH.lounge)).toEqual([]);
    expect(s.herald.core.db.select().from(drafts).all()).toEqual([]);
  });

  it('refuses Approve and Reject presses by a member who is not an approver, without opening the reason form', async () => {
    s = await startDiscord();
    await slash(s, 'alice', 'draft', { template: 'sev1/exploit-investigating', vars: EXPLOIT_VARS });
    const id = lastDraftId(s);
    const header = previewHeaders(s, id)[0]!;
    const approve = await press(s, 'mallory', `approve:${id}:1`, header.id);
    expect(privateTexts(s, approve)).toEqual(['/approve needs the approver role and you have no herald role; ask an operator to add you in herald.config.yaml.']);
    const reject = await press(s, 'alice', `reject:${id}:1`, header.id);
    expect(s.emu.interactionResponses(reject)[0]).toMatchObject({ type: 5 });
    expect(privateTexts(s, reject)).toEqual(['/reject needs the approver role and your roles are drafter; ask an operator to add you in herald.config.yaml.']);
    expect(s.herald.core.db.select().from(approvals).all()).toEqual([]);
    expect(buttonIds(previewHeaders(s, id)[0])).toEqual([`approve:${id}:1`, `reject:${id}:1`]);
  });

  it('gives herald roles by Discord role id', async () => {
    s = await startDiscord();
    await slash(s, 'alice', 'draft', { template: 'sev1/exploit-investigating', vars: EXPLOIT_VARS });
    const id = lastDraftId(s);
    await slash(s, 'frank', 'approve', { draft: String(id) });
    // frank is admitted by a role, not named in the configuration: shown by id, never by the nickname he chose.
    expect(texts(s, CH.comms)).toContain(`Discord user ${USER.frank} approved #${id} (1 of 2); it needs 1 more.`);
    const whoami = await slash(s, 'frank', 'whoami');
    expect(texts(s, CH.comms)).toContain(`You are Discord user ${USER.frank}; roles: approver.`);
    expect(privateTexts(s, whoami)).toEqual([]);
  });

  it('has one effect when the same interaction is delivered twice', async () => {
    s = await startDiscord();
    const first = await slash(s, 'alice', 'draft', { template: 'sev1/exploit-investigating', vars: EXPLOIT_VARS });
    const id = lastDraftId(s);
    const approve = await slash(s, 'bob', 'approve', { draft: String(id) });
    const before = s.emu.messages(CH.comms).length;

    s.emu.redeliverInteraction(approve);
    s.emu.redeliverInteraction(first);
    await until(() => audited(s!.herald.core.db, 'command.replayed').length === 2, { what: 'both redelivered interactions to be recorded as replayed' });
    await settle(s);
    expect(s.emu.messages(CH.comms)).toHaveLength(before);
    expect(texts(s, CH.comms).filter((t) => t.startsWith('bob approved'))).toHaveLength(1);
    expect(s.herald.core.db.select().from(approvals).all()).toHaveLength(1);
    expect(s.herald.core.db.select().from(drafts).all()).toHaveLength(1);
    expect(s.emu.requests.filter((r) => r.path.includes(approve) && r.route.endsWith('/callback')).map((r) => r.status)).toEqual([204, 400]);
  });

  it('has one effect, and a resolved acknowledgement, when the copy arrives while the first is still being handled', async () => {
    s = await startDiscord();
    await slash(s, 'alice', 'draft', { template: 'sev1/exploit-investigating', vars: EXPLOIT_VARS });
    const id = lastDraftId(s);
    const { id: approve } = await s.emu.sendInteraction({ kind: 'command', name: 'approve', options: { draft: String(id) }, channelId: CH.comms, userId: USER.bob });
    s.emu.redeliverInteraction(approve);
    await until(() => audited(s!.herald.core.db, 'command.replayed').length === 1, { what: 'the redelivered interaction to be recorded as replayed' });
    await settle(s);
    expect(texts(s, CH.comms).filter((t) => t.startsWith('bob approved'))).toHaveLength(1);
    expect(s.herald.core.db.select().from(approvals).all()).toHaveLength(1);
    expect(s.emu.interactionResponses(approve).map((r) => r.kind)).toEqual(['callback', 'deleteOriginal']);
  });

  it('suggests drafts and templates only to members who may use the command where they type it', async () => {
    s = await startDiscord();
    await slash(s, 'alice', 'draft', { template: 'sev1/exploit-investigating', vars: EXPLOIT_VARS });
    const choices = async (who: keyof typeof USER, name: string, focused: string, typed: string, channelId: string = CH.comms) => {
      const { id } = await s!.emu.sendInteraction({ kind: 'autocomplete', name, options: { [focused]: typed }, focused, channelId, userId: USER[who] });
      const [answer] = await s!.emu.waitFor(() => s!.emu.interactionResponses(id).length > 0 && s!.emu.interactionResponses(id));
      return (answer!.data as { choices: Array<{ name: string; value: string }> }).choices;
    };
    expect(await choices('alice', 'draft', 'template', 'exploit')).toEqual([{ name: 'sev1/exploit-investigating — Active exploit under investigation', value: 'sev1/exploit-investigating' }]);
    expect((await choices('bob', 'approve', 'draft', '')).map((c) => c.value)).toEqual(['1']);
    expect((await choices('bob', 'approve', 'draft', ''))[0]?.name).toBe('#1 sev1/exploit-investigating — awaiting approval, by alice');
    expect(await choices('mallory', 'approve', 'draft', '')).toEqual([]);
    expect(await choices('bob', 'approve', 'draft', '', CH.lounge)).toEqual([]);
    expect((await choices('mallory', 'faq', 'topic', 'fund', CH.lounge)).map((c) => c.value)).toEqual(['funds-safe']);
  });
});
