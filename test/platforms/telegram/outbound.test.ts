import { afterEach, describe, expect, it } from 'vitest';
import { buildView } from '../../../src/core/previews/view';
import { audited } from '../../support/audit';
import { CAST } from '../../support/cast';
import { until } from '../../support/until';
import { WEB_APP_VARS } from '../../support/vars';
import { CHANNEL_ID, COMMS_ID, containing, ID, SECOND_ID, startWorld, type World } from './world';

// What lands in the channel: literal values, long statements in order, and every kind of
// failure Telegram can answer, each reported the way a comms lead can act on it.

let w: World;
afterEach(async () => w?.close());

async function publishSev2(vars = WEB_APP_VARS) {
  w.say('alice', `/draft sev2/degraded-service ${vars}`);
  await w.emu.waitFor(() => w.header(1)?.reply_markup);
  w.press('bob', 'approve', 1);
  await until(() => w.herald.core.db.query.deliveries.findFirst().sync(), { what: 'the approval to start a broadcast' });
  await w.herald.worker.idle();
}

function addTarget(id: string, chat: string) {
  return (config: World['config']) => {
    config.targets[id] = { id, platform: 'telegram', chat };
    config.policies.sev2.targets.push(id);
  };
}

describe('what arrives', () => {
  it('a value holding <b>, &, _*[]()~ and a backslash arrives literally, formatting nothing', async () => {
    w = await startWorld();
    const value = String.raw`<b>our app</b> & _*[]()~ \ end`;
    await publishSev2(`affected="${value}" impact="Pages load slowly." funds_status="Your funds are not affected." next_update="by 16:00 UTC"`);
    const [post] = w.shown(CHANNEL_ID);
    const line = `we are working on a problem with ${value}`;
    expect(post!.text).toContain(line);
    const start = post!.text.indexOf(value);
    // The title's own bold spans the whole line; nothing starts or ends inside the value.
    for (const e of post!.entities) {
      expect(e.offset > start && e.offset < start + value.length).toBe(false);
      expect(e.offset + e.length > start && e.offset + e.length < start + value.length).toBe(false);
    }
    expect(post!.sentParams).not.toHaveProperty('parse_mode');
    // The preview in the comms group shows it the same way.
    const preview = await w.emu.waitFor(() => containing(w.shown(COMMS_ID), 'Telegram, as posted:')[0]);
    expect(preview.text).toContain(line);
  });

  it('a 6,000-character statement arrives as two messages, in order, without running into the limits', async () => {
    w = await startWorld({ emulator: { enforceLimits: true } });
    // next_update is a time now, so the length comes from the other values, each just under the 1,000-character bound.
    const sentences = (topic: string) => Array.from({ length: 16 }, (_, i) => `${topic} fact number ${i + 1} has been checked twice by the team.`).join(' ');
    const affected =
      'the USDC lending pool on Ethereum, the ETH vault on Arbitrum, the stablecoin swap router on Base and every pool that routes through them, including the wrapped staking pools on Ethereum and Arbitrum added in March, the DAI savings vault on Optimism, the bridge adapters on Polygon and Gnosis, the liquidity mining contracts of the USDC and DAI pools on every chain, the governance treasury multisig, the fee collector, the oracle adapters that price the lending markets, and the keeper contracts that liquidate positions in the lending markets on Ethereum, Arbitrum, Base, Optimism and Polygon, with the interest rate models, the reward distributors, the vesting contracts of the team and investors, the staking module, the insurance fund, the deployer and admin keys, the front-end routing service, the status and docs sites, and the bots that post market data';
    w.say('alice', `/draft sev1/exploit-investigating affected="${affected}" next_update="in one hour" confirmed_facts="${sentences('Confirmed')}" actions_taken="${sentences('Action')}"`);
    await w.emu.waitFor(() => w.header(1));
    w.say('alice', `/edit 1 funds_status="${sentences('Funds')}" user_action="${sentences('User')}" next_update="in two hours"`);
    // The edit's new preview is paced (one message a second in a group) behind the first preview's parts.
    await w.emu.waitFor(() => w.header(1)?.text.startsWith('#1 · ') && w.header(1)?.text.includes('Revision 2'), 20_000);
    const parts = buildView(w.herald.core, w.herald.core.db, 1).rendered.telegram;
    const total = parts.reduce((n, p) => n + p.text.length, 0);
    expect(total).toBeGreaterThan(5900);
    expect(parts).toHaveLength(2);

    w.say('bob', '/approve 1');
    w.say('carol', '/approve 1');
    await w.emu.waitFor(() => w.shown(CHANNEL_ID).length === 2, 10_000);
    await w.herald.worker.idle();
    const posts = w.shown(CHANNEL_ID);
    expect(posts.map((p) => p.text)).toEqual(parts.map((p) => p.text));
    expect(posts[0]!.message_id).toBeLessThan(posts[1]!.message_id);
    expect(posts.every((p) => p.text.length <= 4096)).toBe(true);
    // Back to back: one request per part, each answered at once, in a single attempt (nothing was held back or retried).
    expect(w.emu.requestsFor('sendMessage').filter((r) => r.params.chat_id === '@acmefinance').map((r) => r.status)).toEqual([200, 200]);
    expect(w.delivery('telegram-main')).toMatchObject({ status: 'sent', attempts: 1, link: `https://t.me/acmefinance/${posts[0]!.message_id}` });
    expect(w.emu.requests.filter((r) => r.status === 429)).toEqual([]);
  });
});

describe('failures', () => {
  it('a 429 with retry_after is waited out, then the post goes through once', async () => {
    w = await startWorld();
    w.emu.injectFault({ method: 'sendMessage', chatId: CHANNEL_ID }, { kind: 'ratelimit', retryAfterSec: 1 });
    await publishSev2();
    const tries = w.emu.requestsFor('sendMessage').filter((r) => r.params.chat_id === '@acmefinance');
    expect(tries.map((r) => r.status)).toEqual([429, 200]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(w.shown(CHANNEL_ID)).toHaveLength(1);
    expect(w.delivery('telegram-main')).toMatchObject({ status: 'sent', attempts: 2 });
    const attempts = audited(w.herald.core.db, 'delivery.attempt').filter((e) => e.data.target === 'telegram-main');
    expect(attempts[0]!.data.reason).toBe('Telegram rate-limited herald in @acmefinance (target telegram-main) and asked it to wait 1 s');
  });

  it('a kicked bot, a chat that does not exist and missing rights fail at once and are reported; the other chats get the post', async () => {
    w = await startWorld({
      configure: (c) => {
        addTarget('telegram-second', String(SECOND_ID))(c);
        addTarget('telegram-gone', '-1009999999999')(c);
        addTarget('telegram-norights', '-1004444444444')(c);
      },
    });
    w.emu.setBotStatus({ chatId: CHANNEL_ID, status: 'kicked' });
    // Added to a channel as a plain member: it may read, not post.
    w.emu.addChat({ id: -1004444444444, type: 'channel', title: 'Acme news', bot: { status: 'member' } });
    await publishSev2();
    expect(w.delivery('telegram-main')).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError:
        "Telegram refused: herald's bot is not in @acmefinance (target telegram-main) (403 Forbidden: bot was kicked from the channel chat); add the bot back as an administrator with the right to post messages",
    });
    expect(w.delivery('telegram-gone')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(w.delivery('telegram-gone')!.lastError).toMatch(/^Telegram cannot find chat -1009999999999 \(target telegram-gone\) \(400 Bad Request: chat not found\); check the chat id/);
    expect(w.delivery('telegram-norights')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(w.delivery('telegram-norights')!.lastError).toBe(
      "Telegram refused: herald's bot lacks the rights for sendMessage in chat -1004444444444 (target telegram-norights) (400 Bad Request: need administrator rights in the channel chat); make it an administrator with Post Messages, Edit Messages, Delete Messages and Pin Messages",
    );
    expect(w.delivery('telegram-second')).toMatchObject({ status: 'sent', link: `https://t.me/c/2222222222/${w.shown(SECOND_ID)[0]!.message_id}` });
    expect(w.pubs.discord.postsTo('discord-main')).toHaveLength(1);
    expect(w.pubs.x.postsTo('x').length).toBeGreaterThan(0);
    const header = await w.emu.waitFor(() => (w.header(1)?.text.includes('❌ telegram-main') && w.header(1)?.text.includes('✅ telegram-second') ? w.header(1) : undefined));
    expect(header.text).toContain('bot was kicked from the channel chat');
  });

  it('a group upgraded to a supergroup is followed to its new id', async () => {
    const OLD = -4000000002;
    const NEW = -1003000000004;
    w = await startWorld({ configure: addTarget('telegram-old', String(OLD)) });
    w.emu.addChat({ id: OLD, type: 'group', title: 'Old group' });
    w.emu.addChat({ id: NEW, type: 'supergroup', title: 'Old group' });
    w.emu.injectFault({ chatId: OLD }, { kind: 'migrated', toChatId: NEW });
    await publishSev2();
    const [post] = w.shown(NEW);
    expect(post!.text).toContain('we are working on a problem with our web app');
    expect(w.delivery('telegram-old')).toMatchObject({ status: 'sent', attempts: 1, link: `https://t.me/c/3000000004/${post!.message_id}` });
    expect(w.logs.join('')).toContain('Set targets.telegram-old.chat to \\"-1003000000004\\" in herald.config.yaml');
  });

  it('the bot token appears in no log line, error or audit row, even when Telegram is unreachable', async () => {
    w = await startWorld({ configure: addTarget('telegram-second', String(SECOND_ID)) });
    w.emu.setBotStatus({ chatId: SECOND_ID, status: 'kicked' });
    w.emu.setDown(true);
    // The comms group is unreachable too, so the draft is made without a visible preview (and approved by naming its revision).
    w.herald.handle({ platform: 'telegram', eventId: 'x1', chatId: String(COMMS_ID), actor: { platform: 'telegram', userId: String(ID.alice), displayName: CAST.alice.name }, name: 'draft', args: { text: `sev2/degraded-service ${WEB_APP_VARS}` }, raw: '/draft', via: 'command' });
    w.herald.handle({ platform: 'telegram', eventId: 'x2', chatId: String(COMMS_ID), actor: { platform: 'telegram', userId: String(ID.bob), displayName: CAST.bob.name }, name: 'approve', args: { text: '1 r1' }, raw: '/approve 1 r1', via: 'command' });
    w.herald.worker.kick();
    await w.herald.worker.idle();
    expect(w.delivery('telegram-main')).toMatchObject({ status: 'failed' });
    expect(w.delivery('telegram-main')!.lastError).toMatch(/herald could not reach Telegram for sendMessage/);
    w.emu.setDown(false);
    await w.adapter.stop();
    const secret = w.emu.token.split(':')[1]!;
    const everything = [
      w.logs.join('\n'),
      JSON.stringify(w.herald.core.db.query.auditEvents.findMany().sync()),
      JSON.stringify(w.herald.core.db.query.deliveries.findMany().sync()),
    ].join('\n');
    expect(w.logs.length).toBeGreaterThan(0);
    expect(everything).not.toContain(secret);
  });
});
