import { afterEach, describe, expect, it } from 'vitest';
import { CH, USER } from '../../support/cast';
import { EXPLOIT_VARS } from '../../support/vars';
import { lastDraftId, settle, slash, startDiscord, texts, type Setup } from './setup';

let s: Setup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('Discord: the gateway connection', () => {
  it('keeps working after a disconnect in the middle of a session, including a command sent while it was away', async () => {
    s = await startDiscord();
    await slash(s, 'alice', 'draft', { template: 'sev1/exploit-investigating', vars: EXPLOIT_VARS });
    const id = lastDraftId(s);

    s.emu.disconnectGateway();
    // Sent while the bot is offline: Discord replays it when the bot resumes, within the 3 s to answer.
    const missed = await s.emu.sendInteraction({ kind: 'command', name: 'approve', options: { draft: String(id) }, channelId: CH.comms, userId: USER.bob });
    await s.emu.waitFor(() => s!.emu.stats.resumes === 1 && s!.emu.interactionResponses(missed.id).length > 0, 10_000);
    await settle(s);
    expect(texts(s, CH.comms)).toContain(`bob approved #${id} (1 of 2); it needs 1 more.`);

    await slash(s, 'carol', 'approve', { draft: String(id) });
    expect(texts(s, CH.comms)).toContain(`carol approved #${id} (2 of 2). Broadcasting now.`);
    expect(s.emu.stats).toMatchObject({ identifies: 1, resumes: 1 });
  });

  it('identifies again when the session cannot be resumed, and commands still work', async () => {
    s = await startDiscord();
    s.emu.invalidateSessions();
    await s.emu.waitFor(() => s!.emu.stats.identifies === 2 && s!.emu.connectedSessions === 1, 15_000);
    await slash(s, 'dave', 'help', {}, CH.lounge);
    expect(texts(s, CH.lounge).join('\n')).toContain('/faq [topic]');
  });
});
