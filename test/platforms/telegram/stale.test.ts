import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '@herald/emulators/telegram';
import { approvals } from '../../../src/store/schema';
import { audited } from '../../support/audit';
import { revisionHash } from '../../support/rows';
import { EXPLOIT_VARS } from '../../support/vars';
import { CHANNEL_ID, COMMS_ID, ID, startWorld, type World } from './world';

// An approver reads an older preview and presses its Approve after the draft was edited.
// Real telegraf bot against the loopback Bot API.

let w: World;
afterEach(async () => w?.close());

const buttons = (m: StoredMessage | undefined) =>
  ((m?.reply_markup as { inline_keyboard?: Array<Array<{ callback_data?: string }>> } | undefined)?.inline_keyboard ?? []).flat().map((b) => b.callback_data);
const message = (id: number) => w.emu.messages(COMMS_ID).find((m) => m.message_id === id)!;
const headers = () => w.shown(COMMS_ID).filter((m) => m.text.startsWith('#1 · '));

describe('a button under an older Telegram preview', () => {
  it('approves nothing, shows the approver the newest preview, and the older preview says it is out of date without buttons', async () => {
    w = await startWorld();
    w.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    const older = await w.emu.waitFor(() => w.header(1));
    expect(buttons(older)).toEqual(['approve:1:1', 'reject:1:1']);

    w.say('alice', '/edit 1 next_update="by 16:00 UTC"');
    const edited = await w.emu.waitFor(() => headers().find((m) => buttons(m).includes('approve:1:2')));
    // The older header is rewritten once the new preview is up: it points at the new one and offers nothing to press.
    const link = `https://t.me/c/0000000500/${edited.message_id}`;
    const outdated = await w.emu.waitFor(() => (message(older.message_id).text.includes(link) ? message(older.message_id) : undefined));
    expect(outdated.text).toContain(`This preview is out of date: #1 is at revision 2, awaiting approval. The current preview: ${link}`);
    expect(buttons(outdated)).toEqual([]);

    // Carol's app still shows the older buttons (it had not caught up with the edit) and she presses Approve.
    w.emu.pressButton({ chatId: COMMS_ID, messageId: older.message_id, from: ID.carol, data: 'approve:1:1', force: true });
    const answer = await w.emu.waitFor(() => w.emu.callbackAnswers[0]);
    expect(answer.text).toContain('Draft #1 changed after that preview: it is now revision 2.');
    // She is shown the newest preview, with the buttons of revision 2, under the one she pressed.
    const newest = await w.emu.waitFor(() => headers().find((m) => m.message_id > edited.message_id && buttons(m).length));
    expect(newest.reply_to_message_id).toBe(older.message_id);
    expect(newest.text).toContain(`Revision 2 (${revisionHash(w.herald.core.db, 1, 2)}) by alice`);
    expect(buttons(newest)).toEqual(['approve:1:2', 'reject:1:2']);

    // Nothing was approved or broadcast.
    expect(w.herald.core.db.select().from(approvals).all()).toEqual([]);
    expect(audited(w.herald.core.db, 'draft.approved')).toEqual([]);
    expect(w.delivery('telegram-main')).toBeUndefined();
    expect(w.shown(CHANNEL_ID)).toEqual([]);
    // Every older preview now says it is out of date and carries no buttons; only the newest can be pressed.
    await w.emu.waitFor(() => !buttons(message(edited.message_id)).length && message(older.message_id).text.includes(`/${newest.message_id}`));
    for (const m of headers().filter((h) => h.message_id !== newest.message_id)) {
      expect(m.text).toContain('This preview is out of date');
      expect(m.text).toContain(`https://t.me/c/0000000500/${newest.message_id}`);
      expect(buttons(m)).toEqual([]);
    }
  });
});
