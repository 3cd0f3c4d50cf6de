import { afterEach, describe, expect, it } from 'vitest';
import { approvals } from '../../../src/store/schema';
import { discordEnv, startEmulators } from '../../support/emulators';
import { createDiscord } from '../../../src/platforms/discord';
import { createLogger } from '../../../src/util/log';
import { testConfig } from '../../support/config';
import { audited } from '../../support/audit';
import { CH, USER } from '../../support/cast';
import { EXPLOIT_VARS, LONG_VARS } from '../../support/vars';
import { lastDraftId, previewHeaders, publish, settle, slash, startDiscord, type Setup } from './setup';

let s: Setup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('Discord: the 3-second deadline, and secrets', () => {
  it('acknowledges first, so work slower than 3 s still completes', async () => {
    s = await startDiscord();
    // Every message write takes 450 ms (inside the 600 ms request timeout); this preview is seven messages.
    s.emu.setLatency(450);
    const started = Date.now();
    const cmd = await slash(s, 'alice', 'draft', { template: 'sev1/account-compromised', vars: LONG_VARS });
    await s.emu.waitFor(() => s!.emu.interactionResponses(cmd).some((r) => r.kind === 'deleteOriginal'), 10_000);
    expect(Date.now() - started).toBeGreaterThan(3000);
    expect(s.emu.interactionResponses(cmd)[0]).toMatchObject({ kind: 'callback', type: 5 });
    expect(previewHeaders(s, lastDraftId(s))).toHaveLength(1);
    expect(s.emu.messages(CH.comms).filter((m) => !m.ephemeral).length).toBeGreaterThanOrEqual(6);
  });

  it('does not run a command whose interaction could no longer be answered', async () => {
    s = await startDiscord({ emulator: { interactionAckTimeoutMs: 100 } });
    await slash(s, 'alice', 'draft', { template: 'sev1/exploit-investigating', vars: EXPLOIT_VARS });
    s.emu.setLatency(300);
    const late = await s.emu.sendInteraction({ kind: 'command', name: 'approve', options: { draft: String(lastDraftId(s)) }, channelId: CH.comms, userId: USER.bob });
    await s.emu.waitFor(() => s!.emu.requests.some((r) => r.path.includes(late.id) && r.status === 404), 5000);
    await settle(s);
    expect(s.herald.core.db.select().from(approvals).all()).toEqual([]);
    expect(s.logs.join('')).toContain('arrived after its 3 s deadline and was not run');
  });

  it('never writes the token to the log, the audit log or an error', async () => {
    s = await startDiscord();
    s.emu.injectFault({ method: 'POST', path: `/channels/${CH.status}/messages` }, { kind: 'error', status: 403, code: 50001, message: 'Missing Access' });
    await publish(s, 'sev1/exploit-investigating', EXPLOIT_VARS, ['bob', 'carol']);
    expect(s.logs.length).toBeGreaterThan(0);
    expect(s.logs.join('')).not.toContain(s.emu.token);
    expect(JSON.stringify(audited(s.herald.core.db, 'delivery.failed'))).not.toContain(s.emu.token);
    expect(audited(s.herald.core.db, 'delivery.failed')[0]?.data.reason).toContain('50001 Missing Access');

    const { discord: emu } = await startEmulators(['discord']);
    const wrong = `${emu!.token.slice(0, -4)}AAAA`;
    const config = testConfig({ ...discordEnv(emu!), DISCORD_TOKEN: wrong });
    const error = await createDiscord(config, createLogger('silent')).then(() => null, (e: unknown) => e as Error);
    await emu!.close();
    expect(error?.message).toMatch(/^Discord refused DISCORD_TOKEN .*Developer Portal/);
    expect(error?.message).not.toContain(wrong);
  });
});
