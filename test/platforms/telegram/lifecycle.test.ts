import { afterEach, describe, expect, it } from 'vitest';
import { buildView } from '../../../src/core/previews/view';
import { WEB_APP_VARS } from '../../support/vars';
import { CHANNEL_ID, COMMS_ID, containing, startWorld, type World } from './world';

// After publication: a correction edits the channel post in place, a retraction deletes it.

let w: World;
afterEach(async () => w?.close());

describe('a published statement on Telegram', () => {
  it('/correct edits the post in place once approved, /retract deletes it', async () => {
    w = await startWorld();
    w.say('alice', `/draft sev2/degraded-service ${WEB_APP_VARS}`);
    await w.emu.waitFor(() => w.header(1)?.reply_markup);
    w.press('bob', 'approve', 1);
    const post = await w.emu.waitFor(() => w.shown(CHANNEL_ID)[0]);
    await w.herald.worker.idle();
    expect(post.text).toContain('we are working on a problem with our web app');

    w.say('alice', '/correct 1 affected="our app and our docs site"');
    await w.emu.waitFor(() => (w.header(1)?.text.includes('correction') && w.header(1)?.reply_markup ? true : undefined));
    w.press('bob', 'approve', 1);
    await w.emu.waitFor(() => (post.edited ? post : undefined));
    await w.herald.worker.idle();
    const corrected = buildView(w.herald.core, w.herald.core.db, 1).rendered.telegram[0]!;
    expect(w.shown(CHANNEL_ID)).toHaveLength(1);
    expect(w.shown(CHANNEL_ID)[0]).toMatchObject({ message_id: post.message_id, text: corrected.text });
    expect(post.text).toContain('our app and our docs site');
    expect(post.history).toHaveLength(1);

    w.say('alice', '/retract 1 the compromise was a false alarm');
    await w.emu.waitFor(() => (w.header(1)?.text.includes('retraction') && w.header(1)?.reply_markup ? true : undefined));
    expect(w.header(1)?.text).toContain('Then posts this public notice on each of them:');
    w.press('bob', 'approve', 1);
    await w.emu.waitFor(() => (post.deleted ? true : undefined));
    await w.herald.worker.idle();
    // The post is gone; what the channel shows instead is the sev2 retraction notice saying why.
    const shown = w.shown(CHANNEL_ID);
    expect(shown.map((m) => m.message_id)).not.toContain(post.message_id);
    expect(shown).toHaveLength(1);
    expect(shown[0]!.text).toMatch(/^⚠️ Acme Finance: we have removed our update of [\d-]+ [\d:]+ UTC\n\nWhy: the compromise was a false alarm\n/);
    expect(w.emu.callbackAnswers.at(-1)?.text).toContain('bob approved #1 (1 of 1). Retracting now.');
    expect(w.pubs.discord.removed).toHaveLength(1);
    await w.emu.waitFor(() => containing(w.shown(COMMS_ID), 'Retraction:').length > 0 || undefined);
  });
});
