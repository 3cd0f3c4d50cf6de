import { afterEach, describe, expect, it } from 'vitest';
import { deliveries, drafts } from '../../../src/store/schema';
import { audited } from '../../support/audit';
import { deliveryTo } from '../../support/rows';
import { until } from '../../support/until';
import { CH, GUILD, ROLE, USER } from '../../support/cast';
import { EXPLOIT_VARS, LONG_VARS } from '../../support/vars';
import { previewHeaders, privateTexts, publish, settle, slash, startDiscord, texts, visible, type Setup } from './setup';

let s: Setup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const postsTo = (s: Setup, channelId: string) => s.emu.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`);
const MINOR = 'affected="the balances page" impact="Balances can appear up to 10 minutes late."';

describe('Discord: limits and failures', () => {
  it('honours a 429 on one channel without holding up the other channel or the other platforms', async () => {
    s = await startDiscord();
    s.emu.injectFault({ method: 'POST', path: `/channels/${CH.news}/messages` }, { kind: 'ratelimit', retryAfterSec: 1 });
    await publish(s, 'sev1/exploit-investigating', EXPLOIT_VARS, ['bob', 'carol']);
    await s.emu.waitFor(() => visible(s!, CH.news).length === 1, 5000);
    await settle(s);
    expect(postsTo(s, CH.news).map((r) => r.status)).toEqual([429, 200]);
    const [news] = visible(s, CH.news);
    const [status] = visible(s, CH.status);
    // The other channel and Telegram were done while the announcement channel waited out its limit.
    expect(BigInt(status!.id)).toBeLessThan(BigInt(news!.id));
    expect(postsTo(s, CH.news)[1]!.at - postsTo(s, CH.news)[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(audited(s.herald.core.db, 'delivery.attempt').find((a) => a.data.target === 'discord-news' && !a.data.ok)?.data).toMatchObject({ code: 'rate_limited', retryInMs: expect.any(Number) });
    expect(deliveryTo(s.herald.core.db, 'discord-news')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('fails a delivery whose 429 asks for longer than the bound, with the reason, and reports it in the comms channel', async () => {
    s = await startDiscord();
    s.emu.injectFault({ method: 'POST', path: `/channels/${CH.news}/messages` }, { kind: 'ratelimit', retryAfterSec: 30 });
    const id = await publish(s, 'sev1/exploit-investigating', EXPLOIT_VARS, ['bob', 'carol']);
    expect(visible(s, CH.news)).toEqual([]);
    expect(visible(s, CH.status)).toHaveLength(1);
    const failed = deliveryTo(s.herald.core.db, 'discord-news');
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed?.lastError).toMatch(/asked herald to wait 30 s, longer than the 2 s bound/);
    expect(previewHeaders(s, id)[0]?.content).toContain('❌ discord-news (Discord) — ');
    expect(texts(s, CH.comms).filter((t) => t.startsWith(`❌ #${id} did not reach discord-news (Discord): `))).toHaveLength(1);
  });

  it('keeps exactly one message after two 500s, retrying with backoff', async () => {
    s = await startDiscord();
    s.emu.injectFault({ method: 'POST', path: `/channels/${CH.status}/messages` }, { kind: 'status', status: 500 }, 2);
    await publish(s, 'sev4/maintenance-complete', 'work="the upgrade of the lending contracts"', ['bob']);
    await s.emu.waitFor(() => visible(s!, CH.status).length === 1);
    expect(postsTo(s, CH.status).map((r) => r.status)).toEqual([500, 500, 200]);
    expect(visible(s, CH.status)).toHaveLength(1);
    expect(deliveryTo(s.herald.core.db, 'discord-status')).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('keeps exactly one message when the answer to a stored post is lost and herald sends it again', async () => {
    s = await startDiscord();
    s.emu.injectFault({ method: 'POST', path: `/channels/${CH.status}/messages` }, { kind: 'timeoutAfterStore' });
    await publish(s, 'sev4/maintenance-complete', 'work="the upgrade of the lending contracts"', ['bob']);
    await until(() => deliveryTo(s!.herald.core.db, 'discord-status')?.status === 'sent', { what: 'the delivery to discord-status to be sent', timeoutMs: 5000 });
    const stored = s.emu.messages(CH.status);
    expect(stored).toHaveLength(1);
    // The retry first looks for the post that may have landed, and finds it: no second POST at all.
    expect(postsTo(s, CH.status)).toHaveLength(1);
    expect(s.emu.requests.some((r) => r.method === 'GET' && r.path === `/channels/${CH.status}/messages`)).toBe(true);
    expect(deliveryTo(s.herald.core.db, 'discord-status')?.link).toBe(`https://discord.com/channels/${GUILD}/${CH.status}/${stored[0]!.id}`);
    expect(audited(s.herald.core.db, 'delivery.attempt')[0]?.data).toMatchObject({ ok: false, code: 'network' });
  });

  it('still posts once when the resend comes after Discord forgot the nonce (a long outage)', async () => {
    s = await startDiscord({ emulator: { nonceWindowMs: 1 } });
    s.emu.injectFault({ method: 'POST', path: `/channels/${CH.status}/messages` }, { kind: 'timeoutAfterStore' });
    await publish(s, 'sev4/maintenance-complete', 'work="the upgrade of the lending contracts"', ['bob']);
    await until(() => deliveryTo(s!.herald.core.db, 'discord-status')?.status === 'sent', { what: 'the delivery to discord-status to be sent', timeoutMs: 5000 });
    expect(s.emu.messages(CH.status)).toHaveLength(1);
  });

  it('sends the same part with the same nonce when the look-up cannot tell', async () => {
    s = await startDiscord();
    s.emu.injectFault({ method: 'POST', path: `/channels/${CH.status}/messages` }, { kind: 'timeoutAfterStore' });
    s.emu.injectFault({ method: 'GET', path: `/channels/${CH.status}/messages` }, { kind: 'status', status: 503 });
    await publish(s, 'sev4/maintenance-complete', 'work="the upgrade of the lending contracts"', ['bob']);
    await until(() => deliveryTo(s!.herald.core.db, 'discord-status')?.status === 'sent', { what: 'the delivery to discord-status to be sent', timeoutMs: 5000 });
    const posts = postsTo(s, CH.status);
    expect(posts).toHaveLength(2);
    expect((posts[0]!.body as { nonce: string }).nonce).toBe((posts[1]!.body as { nonce: string }).nonce);
    expect(posts[1]!.body).toMatchObject({ enforce_nonce: true });
    expect(s.emu.messages(CH.status)).toHaveLength(1);
  });

  it('fails an unknown channel at once while the other channels get the post', async () => {
    s = await startDiscord();
    const id = await publish(s, 'sev3/incident-minor', MINOR, ['bob']);
    await s.emu.waitFor(() => visible(s!, CH.status).length === 1 && visible(s!, CH.news).length === 1);
    await settle(s);
    const gone = deliveryTo(s.herald.core.db, 'discord-gone');
    expect(gone).toMatchObject({ status: 'failed', attempts: 1 });
    expect(gone?.lastError).toBe(`Discord does not know channel ${CH.gone} (target discord-gone), or herald cannot see it (10003 Unknown Channel); check the channel id in herald.config.yaml and that the bot is in that server`);
    expect(s.telegram.sent).toHaveLength(1);
    const header = previewHeaders(s, id)[0]!.content;
    expect(header).toContain('❌ discord-gone (Discord) — Discord does not know channel');
    expect(header).toContain('✅ discord-news (Discord)');
    expect(texts(s, CH.comms)).toContain(`❌ #${id} did not reach discord-gone (Discord): ${gone!.lastError}. herald will not retry it on its own; fix the cause, then /retry #${id}.`);
  });

  it('fails at once on missing permissions, naming what to grant', async () => {
    s = await startDiscord();
    s.emu.injectFault({ method: 'POST', path: `/channels/${CH.status}/messages` }, { kind: 'error', status: 403, code: 50013, message: 'Missing Permissions' });
    await publish(s, 'sev4/maintenance-complete', 'work="the upgrade of the lending contracts"', ['bob']);
    expect(deliveryTo(s.herald.core.db, 'discord-status')).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'Discord refused the post: herald lacks a permission in #status (target discord-status) (50013 Missing Permissions); give the bot View Channel, Send Messages and, where the policy pings, Mention Everyone there',
    });
  });

  it('pings nobody and links nothing from inside a variable', async () => {
    s = await startDiscord();
    const sneaky = `@everyone <@&${ROLE.holders}> <@${USER.bob}> @here`;
    await publish(s, 'sev2/degraded-service', `affected="${sneaky}" impact="Slow." funds_status="Not affected." next_update="in 2 hours"`, ['bob']);
    const [quiet] = visible(s, CH.news);
    expect(quiet).toMatchObject({ mention_everyone: false, mention_roles: [], mentions: [], allowed_mentions: { parse: [] } });
    expect(quiet?.content).toContain('@\u200beveryone <\u200b@&');

    // sev1 pings @everyone by policy, and still nothing a variable names.
    await publish(s, 'sev1/exploit-investigating', `affected="${sneaky}" next_update="in 2 hours"`, ['bob', 'carol']);
    const loud = visible(s, CH.news).at(-1);
    expect(loud).toMatchObject({ mention_everyone: true, mention_roles: [], mentions: [], allowed_mentions: { parse: ['everyone'] } });
    expect(loud?.content.match(/@everyone/g)).toHaveLength(1);

    // A masked link to a foreign domain never becomes a draft: the drafter is told which link.
    const masked = await slash(s, 'alice', 'draft', { template: 'sev1/exploit-investigating', vars: 'affected="[Official](https://evil.example)" next_update="in 2 hours"' });
    expect(privateTexts(s, masked)).toEqual(['The statement links to https://evil.example, which is not on an official domain (acme.finance); use an official link instead.']);
    expect(s.herald.core.db.select().from(drafts).all()).toHaveLength(2);
    expect(texts(s, CH.comms).some((t) => t.includes('evil.example'))).toBe(false);
  });

  it('sends a 2,500-character statement as two messages, in order, pinging only with the first', async () => {
    s = await startDiscord();
    const id = await publish(s, 'sev1/account-compromised', LONG_VARS, ['bob', 'carol']);
    const parts = visible(s, CH.news);
    expect(parts).toHaveLength(2);
    const total = parts.reduce((n, m) => n + [...m.content].length, 0);
    expect(total).toBeGreaterThan(2500);
    expect(parts.every((m) => [...m.content].length <= 2000)).toBe(true);
    expect(parts[0]?.content.startsWith('@everyone\n🚨')).toBe(true);
    expect(parts[1]?.content).toContain('**Next update:** 15:00 UTC');
    expect(parts.map((m) => m.mention_everyone)).toEqual([true, false]);
    expect(parts.map((m) => m.crossposted)).toEqual([true, true]);
    expect(parts.map((m) => m.pinned)).toEqual([true, false]);
    expect(previewHeaders(s, id)[0]?.content).toContain('Discord — 2 messages');
  });

  it('leaves the post up, and says so, when crossposting would wait past the bound (the hourly limit)', async () => {
    s = await startDiscord();
    s.emu.injectFault({ method: 'POST', path: /\/crosspost$/ }, { kind: 'ratelimit', retryAfterSec: 3000 });
    const id = await publish(s, 'sev2/degraded-service', 'affected="the app" impact="Slow." funds_status="Not affected." next_update="in 2 hours"', ['bob']);
    const [post] = visible(s, CH.news);
    expect(post).toMatchObject({ crossposted: false, pinned: true });
    const d = deliveryTo(s.herald.core.db, 'discord-news');
    expect(d).toMatchObject({ status: 'sent' });
    expect(d?.lastError).toMatch(/^not published to following servers: Discord is holding the crosspost .* asked herald to wait 50 min, longer than the 2 s bound; publish by hand if it matters$/);
    expect(previewHeaders(s, id)[0]?.content).toMatch(new RegExp(`✅ discord-news \\(Discord\\) — https://discord\\.com/channels/\\S+ \\(⚠️ not published to following servers`));
  });
});
