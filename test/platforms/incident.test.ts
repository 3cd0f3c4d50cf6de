import { afterEach, describe, expect, it } from 'vitest';
import { breakGlass, deliveries } from '../../src/store/schema';
import { audited } from '../support/audit';
import { CH, CHANNEL_ID, USER } from '../support/cast';
import { FakeClock } from '../support/clock';
import { startEmulators } from '../support/emulators';
import { startHerald, type StartedHerald, type StartHeraldOptions } from '../support/herald';
import { deliveriesOf, deliveryTo, partsOf } from '../support/rows';
import { INCIDENT_EXPLOIT_VARS, INCIDENT_FUNDS_VARS, INCIDENT_RESOLVED_VARS } from '../support/vars';

/**
 * Where an incident's statements land, through the command layer and the real adapters against
 * the emulators (test/platforms/discord/herald.yaml: sev1 goes to two Discord channels, the
 * Telegram channel and X, and pins).
 */

let h: StartedHerald | undefined;
/** Emulators a test started itself, to outlive one herald (a restart). */
let world: Awaited<ReturnType<typeof startEmulators>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await world?.close();
  world = undefined;
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

/** The exploit notice, then at 14:20 the funds update, retracted: the first statement is the one still live. */
async function publishThenRetractUpdate(): Promise<[number, number]> {
  const first = await publish(`/draft sev1/exploit-investigating ${INCIDENT_EXPLOIT_VARS}`);
  h!.clock.set(at('14:20'));
  const second = await publish(`/draft sev1/funds-update ${INCIDENT_FUNDS_VARS}`);
  say('alice', `/retract #${second} the figure was not verified`);
  say('bob', `/approve #${second}`);
  say('carol', `/approve #${second}`);
  await h!.herald.worker.idle();
  return [first, second];
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
    const [first, second] = await publishThenRetractUpdate();
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

/** herald's notices in the Discord comms channel (reminders, break glass), oldest first. */
const notices = (prefix: string) =>
  h!.emus.discord!.messages(CH.comms)
    .filter((m) => !m.deleted && m.content.startsWith(prefix))
    .map((m) => m.content);

describe('break glass on Discord, Telegram and X', () => {
  it('publishes a sev1 on one named approval, marks it, tells the comms channel and chases the ratification until a second approver gives it', async () => {
    h = await started((c) => void (c.policies.sev1.break_glass = { people: ['bob'], ratify_within_minutes: 15 }));
    const said = say('alice', `/draft sev1/exploit-investigating ${INCIDENT_EXPLOIT_VARS}`);
    expect(said.text).toContain('Approvals: 0 of 2');
    expect(say('bob', '/approve #1 break-glass "the pool is being drained and carol is unreachable"').text).toBe(
      'bob broke glass on #1 (1 of 2 approvals). Broadcasting now; a second approver must ratify it with /approve #1 by 14:15 UTC.',
    );
    await h.herald.worker.idle();
    // Out everywhere the sev1 policy reaches, on one approval.
    expect(deliveriesOf(h.db, 1).map((d) => [d.targetId, d.status])).toEqual(['discord-news', 'discord-status', 'telegram-main', 'x'].map((t) => [t, 'sent']));
    expect(h.emus.telegram!.messages(CHANNEL_ID).filter((m) => !m.deleted)).not.toHaveLength(0);
    expect(livePosts().length).toBeGreaterThan(0);
    // Marked: the approval and the publication carry it in the record, with the reason.
    expect(audited(h.db, 'draft.approved').map((e) => e.data)).toEqual([expect.objectContaining({ breakGlass: true, approvals: 1, needed: 2 })]);
    expect(h.db.select().from(breakGlass).all()).toEqual([
      expect.objectContaining({ draftId: 1, usedByName: 'bob', reason: 'the pool is being drained and carol is unreachable', ratifyBy: new Date(at('14:15')).toISOString(), ratifiedAt: null }),
    ]);

    // The incident's timeline marks it too, where the team looks.
    expect(say('bob', '/incident 1').text).toContain('break glass on #1 by bob: "the pool is being drained and carol is unreachable" — not ratified (due 14:15 UTC)');

    // The comms channel is told at once, on Discord.
    const told = await h.emus.discord!.waitFor(() => notices('🔓 Break glass')[0]);
    expect(told).toContain('bob published #1 (sev1/exploit-investigating) on one approval: "the pool is being drained and carol is unreachable".');
    expect(told).toContain('must ratify it by 14:15 UTC: /approve #1.');

    // Not ratified in time: herald raises it again, driven by the fake clock.
    for (const t of ['14:15', '14:20']) {
      h.clock.set(at(t));
      await h.herald.reminders.idle();
    }
    const chases = await h.emus.discord!.waitFor(() => {
      const n = notices('🔓 #1 went out by break glass');
      return n.length === 2 ? n : undefined;
    });
    expect(chases.at(-1)).toBe('🔓 #1 went out by break glass 20 min ago and is not ratified (5 min past 14:15 UTC): a second approver (carol and erin) must /approve #1.');

    expect(say('carol', '/approve #1').text).toBe('carol ratified #1, published by break glass.');
    expect(h.db.select().from(breakGlass).get()).toMatchObject({ ratifiedBy: 'carol', ratifiedAt: new Date(at('14:20')).toISOString() });
    h.clock.set(at('14:45'));
    await h.herald.reminders.idle();
    // The promise's reminders go on (the slots missed while the clock jumped are one, as late as it is); the chase stops once ratified.
    await h.emus.discord!.waitFor(() => notices('⏰ Incident 1').find((n) => n.includes('is overdue by 15 min')));
    expect(notices('🔓 #1 went out by break glass')).toHaveLength(2);
    // Nothing went out twice: the ratification is not a second broadcast.
    expect(h.db.select().from(deliveries).all()).toHaveLength(4);
  });
});

describe('the FAQ after a retraction', () => {
  it("a moderator's /faq funds-safe on Discord answers from the sev1 still live, never the retracted update", async () => {
    h = await started();
    const [first, second] = await publishThenRetractUpdate();
    expect(deliveryTo(h.db, 'discord-news', first)?.link).toBeTruthy();

    await h.emus.discord!.sendInteraction({ kind: 'command', name: 'faq', options: { topic: 'funds-safe' }, channelId: CH.lounge, userId: USER.dave });
    const answer = await h.emus.discord!.waitFor(() => h!.emus.discord!.messages(CH.lounge).find((m) => !m.deleted && !m.ephemeral && m.content.includes('Are my funds safe?')));
    expect(answer.content).toContain('The latest confirmed information is in our most recent update');
    const urls = deliveriesOf(h.db, first).map((d) => d.link).filter(Boolean) as string[];
    expect(urls.some((u) => answer.content.includes(u))).toBe(true);
    for (const d of deliveriesOf(h.db, second)) if (d.link) expect(answer.content).not.toContain(d.link);
    expect(answer.content).not.toContain('We have not published any incident statement');
  });
});

describe('reminders across a restart', () => {
  it('herald stopped before a reminder is due sends it, once started again on the same database, in the comms channel', async () => {
    world = await startEmulators(['discord', 'telegram', 'x']);
    const running = { discord: world.discord!, telegram: world.telegram!, x: world.x! };
    h = await startHerald({ platforms: ['discord', 'telegram', 'x'], running });
    const config = h.config;
    await publish(`/draft sev1/exploit-investigating ${INCIDENT_EXPLOIT_VARS}`);
    h.clock.set(at('14:15'));
    await h.herald.reminders.idle();
    await h.emus.discord!.waitFor(() => notices('⏰ Incident 1').find((n) => n.includes('is due in 15 min')));
    await h.close();

    // While herald is down the clock moves past the 5-minute slot to the promised time; the new herald sends the one now due, once.
    const clock = new FakeClock(at('14:30'));
    h = await startHerald({ platforms: ['discord', 'telegram', 'x'], running, config, clock });
    await h.herald.reminders.idle();
    const due = await h.emus.discord!.waitFor(() => notices('⏰ Incident 1').find((n) => n.includes('is due now')));
    expect(due).toContain('the next update promised for 14:30 UTC (in #1) is due now.');
    expect(notices('⏰ Incident 1').filter((n) => n.includes('is due in 5 min'))).toHaveLength(0);
    expect(audited(h.db, 'promise.reminded').map((e) => (e.data as { offsetMinutes: number }).offsetMinutes)).toEqual([-15, 0]);
    // And the next slot is on the new herald's clock (beside whatever else waits on it, such as a status-site build).
    expect(clock.timerAts()).toContain(at('14:40'));
  });
});
