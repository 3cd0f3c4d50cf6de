import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { approvals, auditEvents } from '../../src/store/schema';
import { herald as cli } from '../support/cli';
import { tempDir } from '../support/config';
import { revisionHash } from '../support/rows';
import { COMMS_ID, ID, startWorld, type World } from '../platforms/telegram/world';
import { WEB_APP_VARS } from '../support/vars';
import { lastDraftId, slash, startDiscord, texts } from '../platforms/discord/setup';
import { CH, USER } from '../support/cast';
import { EXPLOIT_VARS as DISCORD_EXPLOIT } from '../support/vars';
import { answer, nothingPosted, refused } from './telegram';

// Hostile inputs, family 4: approvals that must not count. Every case is typed (or pressed) in
// the Telegram comms group against the loopback Bot API.

let w: World;
afterEach(async () => w?.close());

const approvalCount = () => w.herald.core.db.select().from(approvals).all().length;
const short = (draftId: number, number: number) => revisionHash(w.herald.core.db, draftId, number);

/** A sev2 draft #1 by `who`, its preview shown in the group. */
async function drafted(who: 'alice' | 'erin' = 'alice') {
  expect(await answer(w, who, `/draft sev2/degraded-service ${WEB_APP_VARS}`)).toMatch(/^#1 · sev2\/degraded-service/);
}

const edit = async (who: 'alice' | 'erin', values: string, revision: number) => {
  expect(await answer(w, who, `/edit #1 ${values}`)).toBe(`Revision ${revision} of #1; earlier approvals no longer count.`);
  // The header in the group now shows the new revision: that is what the group was shown.
  await w.emu.waitFor(() => w.header(1)?.text.includes(`Revision ${revision} (`));
};

/** Presses a button and returns the answer the presser sees. */
async function pressed(who: keyof typeof ID, data: string) {
  const header = w.header(1)!;
  const before = w.emu.callbackAnswers.length;
  w.emu.pressButton({ chatId: COMMS_ID, messageId: header.message_id, from: ID[who], data });
  return (await w.emu.waitFor(() => w.emu.callbackAnswers[before])).text;
}

const WROTE_EARLIER = (n: number) => `You wrote revision ${n} of #1, and nobody who wrote any part of a statement counts as its approver; another approver has to approve it.`;

describe('approvals: nobody who wrote any revision counts as its approver', () => {
  it('eve’s attack: the drafter’s wording survives a co-worker’s next_update edit, her typed approval does not count', async () => {
    w = await startWorld();
    await drafted('erin');
    await edit('alice', 'next_update="by 18:00 UTC"', 2);
    await refused(w, 'erin', '/approve #1', WROTE_EARLIER(1));
  });

  it('nor does her button press', async () => {
    w = await startWorld();
    await drafted('erin');
    await edit('alice', 'next_update="by 18:00 UTC"', 2);
    expect(await pressed('erin', 'approve:1:2')).toBe(WROTE_EARLIER(1));
    expect(approvalCount()).toBe(0);
    nothingPosted(w);
  });

  it('the writer of a middle revision does not count', async () => {
    w = await startWorld();
    await drafted('alice');
    await edit('erin', 'affected="our app"', 2);
    await edit('alice', 'next_update="by 19:00 UTC"', 3);
    await refused(w, 'erin', '/approve #1', WROTE_EARLIER(2));
  });

  it('the writer of the current revision does not count', async () => {
    w = await startWorld();
    await drafted('alice');
    await edit('erin', 'affected="our app"', 2);
    await refused(w, 'erin', '/approve #1', 'You wrote revision 2 of #1, so your approval does not count; another approver has to approve it.');
  });

  it('the author’s own button does not count', async () => {
    w = await startWorld();
    await drafted('erin');
    expect(await pressed('erin', 'approve:1:1')).toBe('You wrote #1, so your approval does not count; another approver has to approve it.');
    expect(approvalCount()).toBe(0);
    nothingPosted(w);
  });
});

describe('approvals: an approval is given to the text the approver was shown', () => {
  it('a typed /approve right behind an edit the group has not been shown yet approves nothing, and herald shows the new preview', async () => {
    w = await startWorld();
    await drafted('alice');
    // Sent together, as bob typed his 300 ms after alice's edit: the edit's preview is not up yet.
    w.say('alice', '/edit #1 affected="our web app and our docs"');
    const bob = w.say('bob', '/approve #1');
    const said = await w.emu.waitFor(() => {
      const replies = w.shown(COMMS_ID).filter((m) => m.reply_to_message_id === bob.message!.message_id);
      return replies.length >= 2 ? replies : undefined;
      // herald keeps to Telegram's one message a second in a chat: the answer queues behind the edit's preview.
    }, 15_000);
    expect(said[0]!.text).toBe(`#1 changed since it was last shown here: it is now revision 2 (${short(1, 2)}), so nothing was approved; read the preview below, then /approve #1 again.`);
    expect(said[1]!.text).toContain(`Revision 2 (${short(1, 2)}) by alice`);
    expect(approvalCount()).toBe(0);
    nothingPosted(w);
    // Now bob has been shown revision 2; his next /approve counts.
    expect(await answer(w, 'bob', '/approve #1')).toBe('bob approved #1 (1 of 1). Broadcasting now.');
  });

  it('/approve #N r1 when the draft is at revision 2 approves nothing', async () => {
    w = await startWorld();
    await drafted('alice');
    await edit('alice', 'next_update="by 18:00 UTC"', 2);
    await refused(w, 'bob', '/approve #1 r1', `#1 is now at revision 2 (${short(1, 2)}), not r1, so nothing was approved; read the preview below and approve that one.`);
  });

  it('/approve #N with the short hash of an older revision approves nothing', async () => {
    w = await startWorld();
    await drafted('alice');
    const old = short(1, 1);
    await edit('alice', 'next_update="by 18:00 UTC"', 2);
    await refused(w, 'bob', `/approve #1 ${old}`, `#1 is now at revision 2 (${short(1, 2)}), not ${old}, so nothing was approved; read the preview below and approve that one.`);
  });

  it('/approve #N with something that is not a revision', async () => {
    w = await startWorld();
    await drafted('alice');
    await refused(w, 'bob', '/approve #1 please', '`please` is not a revision; name the one you read as r3, or by the short hash its preview prints (like 1a2b3c4d), as in /approve #12 r3.');
  });

  it('a button under an out-of-date preview approves nothing', async () => {
    w = await startWorld();
    await drafted('alice');
    // The old header could not be updated (Telegram failed the edit), so it still offers revision 1's buttons.
    w.emu.injectFault({ method: 'editMessageText' }, { kind: 'status', status: 500 }, 100);
    expect(await answer(w, 'alice', '/edit #1 next_update="by 18:00 UTC"')).toBe('Revision 2 of #1; earlier approvals no longer count.');
    expect(await pressed('bob', 'approve:1:1')).toBe('Draft #1 changed after that preview: it is now revision 2. Review the new preview with /show #1 and approve that one.');
    expect(approvalCount()).toBe(0);
    nothingPosted(w);
  });

  it('naming the revision shown (r2, or its short hash) approves it', async () => {
    w = await startWorld();
    await drafted('alice');
    await edit('alice', 'next_update="by 18:00 UTC"', 2);
    expect(await answer(w, 'bob', `/approve #1 ${short(1, 2)}`)).toBe('bob approved #1 (1 of 1). Broadcasting now.');
  });
});

describe('approvals: names, and the audit trail of refusals', () => {
  it('a stranger is shown by platform and id, not by the name they chose', async () => {
    w = await startWorld({ emulator: { users: [{ id: ID.mallory, first_name: 'alice' }] } });
    await refused(w, 'mallory', '/whoami', `You are Telegram user ${ID.mallory}; roles: none.`);
  });

  it('an approver admitted by a Discord role is shown by id, not by the nickname they chose', async () => {
    const s = await startDiscord();
    onTestFinished(() => s.close());
    await slash(s, 'alice', 'draft', { template: 'sev1/exploit-investigating', vars: DISCORD_EXPLOIT });
    const id = lastDraftId(s);
    await slash(s, 'frank', 'approve', { draft: String(id) });
    const said = texts(s, CH.comms).filter((t) => t.includes(`approved #${id}`));
    expect(said).toEqual([`Discord user ${USER.frank} approved #${id} (1 of 2); it needs 1 more.`]);
  });

  it('a refused /approve carries the draft id, so audit export --draft shows it', async () => {
    const db = `${tempDir()}/herald.db`;
    w = await startWorld({ env: { HERALD_DB_PATH: db } });
    await drafted('alice');
    await refused(w, 'mallory', '/approve #1', '/approve needs the approver role and you have no herald role; ask an operator to add you in herald.config.yaml.');
    const refusedRow = w.herald.core.db.select().from(auditEvents).where(eq(auditEvents.type, 'command.refused')).all();
    expect(refusedRow.map((r) => r.draftId)).toEqual([1]);
    w.herald.core.audit.flush();
    const exported = cli(['audit', 'export', '--format', 'json', '--draft', '1'], { HERALD_DB_PATH: db });
    expect(exported.code).toBe(0);
    const events = JSON.parse(exported.stdout) as Array<{ type: string; data: { reason?: string } }>;
    expect(events.filter((e) => e.type === 'command.refused').map((e) => e.data.reason)).toEqual([
      '/approve needs the approver role and you have no herald role; ask an operator to add you in herald.config.yaml.',
    ]);
  });

  it('Telegram update ids that start over do not silence new commands, and the restart is noticed', async () => {
    const db = `${tempDir()}/herald.db`;
    w = await startWorld({ env: { HERALD_DB_PATH: db }, emulator: { firstUpdateId: 100 } });
    for (let i = 0; i < 3; i++) expect(await answer(w, 'bob', '/whoami')).toBe('You are bob (telegram user 202); roles: approver.');
    await w.close();
    // A new bot (or dropped updates): ids count from 100 again, while the group's message ids go on.
    w = await startWorld({ env: { HERALD_DB_PATH: db }, emulator: { firstUpdateId: 100 } });
    const restarts: Array<[number, number]> = [];
    w.herald.core.events.on('telegramUpdateIdsRestarted', (last, now) => restarts.push([last, now]));
    // The group's history goes on: herald's earlier messages are there, so message ids continue.
    for (let i = 0; i < 6; i++) {
      await fetch(`${w.emu.apiRoot}/bot${w.emu.token}/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat_id: COMMS_ID, text: `earlier message ${i}` }) });
    }
    expect(await answer(w, 'bob', '/whoami')).toBe('You are bob (telegram user 202); roles: approver.');
    expect(restarts).toEqual([[102, 100]]);
  });
});
