import { afterEach, describe, expect, it } from 'vitest';
import { audited } from '../support/audit';
import { CH, CHANNEL_ID } from '../support/cast';
import { startHerald, type StartedHerald } from '../support/herald';
import { deliveryTo } from '../support/rows';
import { until } from '../support/until';
import { INCIDENT_EXPLOIT_VARS, INCIDENT_FUNDS_VARS } from '../support/vars';
import { compromisedTargets } from '../../src/core/read/compromised';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/config';

/**
 * Compromised-channel mode through the command layer and the real adapters against the
 * emulators (test/platforms/discord/herald.yaml: sev1 goes to two Discord channels, the
 * Telegram channel and X).
 */

let h: StartedHerald | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const at = (hhmm: string) => Date.parse(`2026-06-01T${hhmm}:00.000Z`);
const POST = { method: 'POST', path: '/2/tweets' } as const;
const say = (who: string, text: string) => h!.chat.say(who, text, { chatId: CH.comms });

function draftOf(said: ReturnType<typeof say>): number {
  const preview = said.replies.find((r) => r.type === 'preview');
  if (!preview || preview.type !== 'preview') throw new Error(`no preview: ${said.text}`);
  return preview.view.draftId;
}

async function publish(text: string): Promise<number> {
  const id = draftOf(say('alice', text));
  say('bob', `/approve #${id}`);
  say('carol', `/approve #${id}`);
  await h!.herald.worker.idle();
  return id;
}

const xTexts = () => h!.emus.x!.posts().filter((p) => !p.deleted).map((p) => p.text);
const telegramTexts = () => h!.emus.telegram!.messages(CHANNEL_ID).filter((m) => !m.deleted).map((m) => m.text ?? '');
const discordTexts = () => h!.emus.discord!.messages(CH.news).filter((m) => !m.deleted).map((m) => m.content);
const faq = (topic: string) => h!.chat.say('dave', `/faq ${topic}`, { chatId: CH.lounge }).text;

describe('X marked compromised in the middle of an incident', () => {
  it('stops every send to X until /restored, says so everywhere else, and in the FAQ answers', async () => {
    const site = join(tempDir(), 'status-site');
    const page = (p: string) => readFileSync(join(site, p), 'utf8');
    h = await startHerald({ platforms: ['discord', 'telegram', 'x'], configure: (c) => ({ ...c, statusSite: { dir: site } }) });
    const first = await publish(`/draft sev1/exploit-investigating ${INCIDENT_EXPLOIT_VARS}`);
    const onX = xTexts().length;
    expect(onX).toBeGreaterThan(0);
    expect(faq('funds-safe')).not.toContain('Do not trust');
    expect(faq('official-links')).toContain('X: @acmefinance');

    // A funds update approved while X asks herald to wait: it is not on X when X is marked.
    h.clock.set(at('14:10'));
    h.emus.x!.injectFault(POST, { kind: 'ratelimit', resetInSec: 1 });
    const approvedBefore = draftOf(say('alice', `/draft sev1/funds-update ${INCIDENT_FUNDS_VARS}`));
    say('bob', `/approve #${approvedBefore}`);
    say('carol', `/approve #${approvedBefore}`);
    await until(() => (deliveryTo(h!.db, 'x', approvedBefore)?.attempts ?? 0) >= 1, { what: 'the funds update to be rate limited on X' });

    h.clock.set(at('14:12'));
    const marking = say('alice', '/compromised x "The X account posts a fake airdrop link" next_update="in 1 hour"');
    const mark = draftOf(marking);
    // The preview says where it goes, and that X is left out and why.
    expect(marking.text).toContain('Marks x compromised (The X account posts a fake airdrop link)');
    expect(marking.text).toContain('• x on X: ⏸ held: this statement marks x (X) compromised; nothing goes there until /restored x');
    expect(marking.text).not.toMatch(/^X — /mu);
    say('bob', `/approve #${mark}`);
    say('carol', `/approve #${mark}`);
    await h.herald.worker.idle();

    expect(compromisedTargets(h.db)).toEqual([
      expect.objectContaining({ targetId: 'x', platform: 'x', channel: 'our X account @acmefinance', what: 'The X account posts a fake airdrop link', since: new Date(at('14:12')).toISOString(), by: 'alice, bob, carol' }),
    ]);
    // The account-compromised statement reached Discord and Telegram only, naming X.
    expect(xTexts()).toHaveLength(onX);
    expect(discordTexts().join('\n')).toContain('our X account @acmefinance has been compromised');
    expect(telegramTexts().join('\n')).toContain('our X account @acmefinance has been compromised');
    expect(telegramTexts().join('\n')).toContain("Trust only: our Discord server, our Telegram channel @acmefinance and our status page https://status.acme.finance");
    expect(deliveryTo(h.db, 'x', mark)).toBeUndefined();

    // The status site says which channel not to trust, what happened and since when, on every page and in its API.
    await h.herald.trust.idle();
    const banner = 'Do not trust our X account @acmefinance.</strong> It has been compromised since <time datetime="2026-06-01T14:12:00.000Z">2026-06-01 14:12 UTC</time>: The X account posts a fake airdrop link.';
    expect(page('index.html')).toContain(banner);
    expect(page('incidents/1.html')).toContain(banner);
    // summary.json keeps Statuspage's status line and says it in herald's own extension.
    const summary = JSON.parse(page('api/v2/summary.json'));
    expect(summary.status.description).toMatch(/^(All Systems Operational|Minor Service Outage|Partial System Outage|Major System Outage)$/);
    expect(summary.herald.compromised).toEqual([
      { channel: 'our X account @acmefinance', what: 'The X account posts a fake airdrop link', since: '2026-06-01T14:12:00.000Z', warning: 'Do not trust our X account @acmefinance, compromised since 2026-06-01 14:12 UTC (The X account posts a fake airdrop link)' },
    ]);
    expect(JSON.parse(page('feed.json')).description).toContain('do not trust our X account @acmefinance');

    // The statement approved before the mark went to Discord and Telegram, never to X.
    expect(deliveryTo(h.db, 'telegram-main', approvedBefore)!.status).toBe('sent');
    expect(deliveryTo(h.db, 'x', approvedBefore)).toMatchObject({ status: 'held' });
    const held = '⏸ x (X) — held: x (X) marked compromised since 2026-06-01 14:12 UTC (The X account posts a fake airdrop link); nothing goes there until /restored x';
    expect(say('bob', `/status #${approvedBefore}`).text).toContain(held);
    expect(say('bob', '/status').text).toMatch(new RegExp(`#${approvedBefore} sev1/funds-update .*⏸ 1 held`, 'u'));
    expect(audited(h.db, 'delivery.held').map((e) => e.data.target)).toEqual(['x']);

    // The next statement's preview drops X and says why; it reaches Discord and Telegram only.
    h.clock.set(at('14:30'));
    const next = say('alice', '/hold 1 next_update="in 30 minutes"');
    expect(next.text).toContain('• x on X: ⏸ held: x (X) marked compromised since 2026-06-01 14:12 UTC');
    // Nor does it list the hijacked account among the official channels.
    expect(next.text).toContain('Telegram: https://t.me/acmefinance');
    expect(next.text).not.toContain('X: @acmefinance');
    const holdId = draftOf(next);
    say('bob', `/approve #${holdId}`);
    say('carol', `/approve #${holdId}`);
    await h.herald.worker.idle();
    expect(deliveryTo(h.db, 'discord-news', holdId)!.status).toBe('sent');
    expect(deliveryTo(h.db, 'x', holdId)).toBeUndefined();
    expect(xTexts()).toHaveLength(onX);

    // Every FAQ answer names the channel not to trust.
    for (const topic of ['funds-safe', 'official-links', 'scam-warning']) expect(faq(topic)).toContain('Do not trust our X account @acmefinance');
    expect(faq('official-links')).not.toContain('X: @acmefinance');
    expect(say('alice', `/retry #${approvedBefore}`).text).toBe(`#${approvedBefore} is held only on x, which is marked compromised; nothing goes there until /restored x is approved.`);

    // Restored: its statement reaches X too, and later statements do again.
    h.clock.set(at('15:00'));
    const restoring = say('alice', '/restored x next_update="in 1 hour"');
    const restore = draftOf(restoring);
    expect(restoring.text).toContain('• x on X: X has no pins or @everyone');
    say('bob', `/approve #${restore}`);
    say('carol', `/approve #${restore}`);
    await h.herald.worker.idle();
    expect(compromisedTargets(h.db)).toEqual([]);
    expect(xTexts().join('\n')).toContain('our X account @acmefinance is back under our control');
    await h.herald.trust.idle();
    for (const p of ['index.html', 'incidents/1.html', 'api/v2/summary.json', 'feed.json']) expect(page(p), p).not.toMatch(/do not trust/i);
    expect(faq('funds-safe')).not.toContain('Do not trust');
    expect(faq('official-links')).toContain('X: @acmefinance');

    // What was held stays held until a person sends it.
    expect(deliveryTo(h.db, 'x', approvedBefore)!.status).toBe('held');
    expect(say('bob', `/status #${approvedBefore}`).text).toContain(`x is restored; /retry #${approvedBefore} sends it there if it still should`);
    h.clock.set(at('15:20'));
    const later = await publish('/hold 1 next_update="in 30 minutes"');
    expect(deliveryTo(h.db, 'x', later)!.status).toBe('sent');
    expect(deliveryTo(h.db, 'x', first)!.status).toBe('sent');
  });
});
