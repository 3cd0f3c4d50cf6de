import { afterEach, describe, expect, it } from 'vitest';
import { audited } from '../support/audit';
import { CH, CHANNEL_ID } from '../support/cast';
import { startHerald, type StartedHerald, type StartHeraldOptions } from '../support/herald';
import { deliveriesOf, deliveryTo, partsOf } from '../support/rows';
import { INCIDENT_EXPLOIT_VARS, INCIDENT_FUNDS_VARS, INCIDENT_RESOLVED_VARS } from '../support/vars';

/**
 * Where an incident's statements land, through the command layer and the real adapters against
 * the emulators (test/platforms/discord/herald.yaml: sev1 goes to two Discord channels, the
 * Telegram channel and X, and pins).
 */

let h: StartedHerald | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const at = (hhmm: string) => Date.parse(`2026-06-01T${hhmm}:00.000Z`);
const DISCORD = { 'discord-news': CH.news, 'discord-status': CH.status } as const;

function started(configure?: StartHeraldOptions['configure']) {
  return startHerald({ platforms: ['discord', 'telegram', 'x'], ...(configure ? { configure } : {}) });
}

/** Types a command into the Discord comms channel of the fixture. */
const say = (who: string, text: string) => h!.chat.say(who, text, { chatId: CH.comms });

/** Drafts a statement, gives it the approvals its policy needs and waits until every delivery has settled. */
async function publish(text: string, approvers = ['bob', 'carol']): Promise<number> {
  const said = say('alice', text);
  const preview = said.replies.find((r) => r.type === 'preview');
  if (!preview || preview.type !== 'preview') throw new Error(`no preview: ${said.text}`);
  const id = preview.view.draftId;
  for (const who of approvers) say(who, `/approve #${id}`);
  await h!.herald.worker.idle();
  return id;
}

/** The message ids herald recorded for a statement's newest delivery to a target, in order. */
const postedIds = (target: string, draftId: number) => partsOf(h!.db, deliveryTo(h!.db, target, draftId)!.id).map((p) => p.messageId!);

/** What each channel shows pinned, deleted messages left out. */
function pins(): Record<string, string[]> {
  const { discord, telegram } = h!.emus;
  const out: Record<string, string[]> = {};
  for (const [target, channel] of Object.entries(DISCORD)) out[target] = discord!.messages(channel).filter((m) => m.pinned && !m.deleted).map((m) => m.id);
  out['telegram-main'] = telegram!.messages(CHANNEL_ID).filter((m) => m.pinned && !m.deleted).map((m) => String(m.message_id));
  return out;
}

/** Exactly one pin per channel, on the statement's first message there. */
function pinnedIs(draftId: number): Record<string, string[]> {
  return Object.fromEntries(['discord-news', 'discord-status', 'telegram-main'].map((t) => [t, [postedIds(t, draftId)[0]!]]));
}

const livePosts = () => h!.emus.x!.posts().filter((p) => !p.deleted);
const replyOf = (id: string) => h!.emus.x!.posts().find((p) => p.id === id)?.in_reply_to_tweet_id;

describe('an incident of three statements on Discord, Telegram and X', () => {
  it('is one X reply chain, and each channel pins only the latest statement', async () => {
    h = await started();
    const first = await publish(`/draft sev1/exploit-investigating ${INCIDENT_EXPLOIT_VARS}`);
    expect(pins()).toEqual(pinnedIs(first));

    h.clock.set(at('14:20'));
    const second = await publish(`/draft sev1/funds-update ${INCIDENT_FUNDS_VARS}`);
    expect(pins()).toEqual(pinnedIs(second));

    h.clock.set(at('14:50'));
    const said = say('alice', `/draft sev1/resolved ${INCIDENT_RESOLVED_VARS}`);
    expect(said.text).toContain('Carried over from it: incident');
    say('bob', '/approve #3');
    say('carol', '/approve #3');
    await h.herald.worker.idle();
    expect(pins()).toEqual(pinnedIs(3));

    // Every post of the incident answers the one before it: one thread, statement after statement.
    const posts = livePosts();
    const statements = [first, second, 3].map((id) => postedIds('x', id));
    expect(posts.map((p) => p.id)).toEqual(statements.flat());
    expect(posts.map((p) => p.in_reply_to_tweet_id)).toEqual([undefined, ...posts.slice(0, -1).map((p) => p.id)]);
    expect(replyOf(statements[1]![0]!)).toBe(statements[0]!.at(-1));
    expect(replyOf(statements[2]![0]!)).toBe(statements[1]!.at(-1));
    // The audit log says which statement lost its pin to which, per channel.
    const unpinned = audited(h.db, 'message.unpinned').map((e) => `${e.data.target}: #${e.data.statement} for #${e.draftId}`);
    expect(unpinned.sort()).toEqual(['discord-news', 'discord-status', 'telegram-main'].flatMap((t) => [`${t}: #${first} for #${second}`, `${t}: #${second} for #3`]).sort());
    // Nothing went wrong on the way: no delivery carries a note.
    for (const id of [first, second, 3]) expect(deliveriesOf(h.db, id).map((d) => [d.targetId, d.status, d.lastError])).toEqual(deliveriesOf(h.db, id).map((d) => [d.targetId, 'sent', null]));
  });

  it('a retraction of the latest statement moves the pin back to the one before, and X goes on from the notice', async () => {
    h = await started();
    const first = await publish(`/draft sev1/exploit-investigating ${INCIDENT_EXPLOIT_VARS}`);
    h.clock.set(at('14:20'));
    const second = await publish(`/draft sev1/funds-update ${INCIDENT_FUNDS_VARS}`);
    say('alice', `/retract #${second} the figure was not verified`);
    say('bob', `/approve #${second}`);
    say('carol', `/approve #${second}`);
    await h.herald.worker.idle();
    expect(pins()).toEqual(pinnedIs(first));
    // The retraction's notice answers the first statement's last post, the latest still up.
    const notice = postedIds('x', second);
    expect(notice).toHaveLength(1);
    expect(replyOf(notice[0]!)).toBe(postedIds('x', first).at(-1));

    h.clock.set(at('14:25'));
    const third = await publish(`/draft sev1/funds-update ${INCIDENT_FUNDS_VARS.replace('1,204,530', '1,204,000')}`);
    expect(pins()).toEqual(pinnedIs(third));
    expect(replyOf(postedIds('x', third)[0]!)).toBe(notice[0]);
  });

  it('a failed unpin is a note on the delivery, not a failure, and the next statement takes the stale pin down', async () => {
    h = await started();
    const first = await publish(`/draft sev1/exploit-investigating ${INCIDENT_EXPLOIT_VARS}`);
    h.emus.discord!.injectFault({ method: 'DELETE', path: new RegExp(`/channels/${CH.news}/(messages/)?pins/`) }, { kind: 'error', status: 403, code: 50013, message: 'Missing Permissions' });
    h.clock.set(at('14:20'));
    const second = await publish(`/draft sev1/funds-update ${INCIDENT_FUNDS_VARS}`);
    const news = deliveryTo(h.db, 'discord-news', second)!;
    expect(news.status).toBe('sent');
    expect(news.lastError).toMatch(/^#1 is still pinned, unpin it by hand: Discord refused the unpin: herald lacks a permission in .* give the bot Pin Messages there$/);
    expect(pins()).toEqual({ ...pinnedIs(second), 'discord-news': [postedIds('discord-news', first)[0], postedIds('discord-news', second)[0]] });

    h.clock.set(at('14:50'));
    const third = await publish(`/draft sev1/resolved ${INCIDENT_RESOLVED_VARS}`);
    expect(pins()).toEqual(pinnedIs(third));
  });

  it('a statement sent again by /retry after its successor went out is not pinned over it', async () => {
    h = await started();
    h.emus.discord!.injectFault({ method: 'POST', path: new RegExp(`/channels/${CH.status}/messages$`) }, { kind: 'error', status: 403, code: 50001, message: 'Missing Access' });
    const first = await publish(`/draft sev1/exploit-investigating ${INCIDENT_EXPLOIT_VARS}`);
    expect(deliveryTo(h.db, 'discord-status', first)!.status).toBe('failed');
    h.clock.set(at('14:20'));
    const second = await publish(`/draft sev1/funds-update ${INCIDENT_FUNDS_VARS}`);
    expect(say('alice', `/retry #${first}`).text).toContain('discord-status');
    await h.herald.worker.idle();
    expect(deliveryTo(h.db, 'discord-status', first)!.status).toBe('sent');
    expect(pins()).toEqual(pinnedIs(second));
  });

  it('a statement outside the incident is not threaded onto it and leaves its pins alone', async () => {
    // sev4 reaches X too here, so there is a thread it could wrongly join.
    h = await started((c) => void (c.policies.sev4.targets = ['discord-status', 'x']));
    const first = await publish(`/draft sev1/exploit-investigating ${INCIDENT_EXPLOIT_VARS}`);
    const maintenance = await publish(
      '/draft sev4/maintenance-scheduled work="an upgrade of the price oracle" start="2026-06-03 09:00 UTC" duration="30 minutes" impact="Deposits are paused during the upgrade."',
      ['bob'],
    );
    expect(deliveriesOf(h.db, maintenance).map((d) => [d.targetId, d.status])).toEqual([
      ['discord-status', 'sent'],
      ['x', 'sent'],
    ]);
    expect(postedIds('x', maintenance).map(replyOf)[0]).toBeUndefined();
    expect(pins()).toEqual(pinnedIs(first));

    h.clock.set(at('14:20'));
    const second = await publish(`/draft sev1/funds-update ${INCIDENT_FUNDS_VARS}`);
    // The follow-up answers the incident's last post, not the newer maintenance notice.
    expect(replyOf(postedIds('x', second)[0]!)).toBe(postedIds('x', first).at(-1));
    expect(pins()).toEqual(pinnedIs(second));
  });
});
