import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_IDS, Stage, type Comms } from './support/stage';

/**
 * One `herald start` against the emulators of all three platforms; each test breaks one thing
 * and watches what the team and the public would see: the posts, and the preview header in the
 * comms chat of a platform that still works.
 */
let s: Stage;
beforeAll(async () => {
  // Short backoff so an outage of a second or two is retried several times within a test.
  s = await Stage.open({ delivery: { base_delay_ms: 150, max_delay_ms: 800, request_timeout_ms: 5_000, max_attempts: 40 } });
  await s.start();
}, 60_000);
afterAll(async () => {
  await s?.close();
}, 30_000);
/** Every statement so far: a test starts once the ones before it are settled, so one failure does not become the next test's. */
const published: number[] = [];
beforeEach(async () => {
  for (const id of published) await s.settled(id);
}, 60_000);

/** sev2/degraded-service goes to every target and is one X post; the marker tells this test's posts apart. */
const vars = (marker: string) => `affected="the swap page (${marker})" impact="Swaps fail to submit." funds_status="Your funds are not affected." next_update="in 2 hours"`;

/** A line of the header about one target; the header lists each target once. */
const line = (header: string, target: string) => header.split('\n').find((l) => l.includes(` ${target} (`)) ?? '';

const DISCORD = 'discord-announcements';
const TELEGRAM = 'telegram-channel';
const X = 'x';

async function publish(comms: Comms, marker: string): Promise<number> {
  const id = await s.draft(comms, 'sev2/degraded-service', vars(marker));
  await s.approve(comms, 'bob', id);
  published.push(id);
  return id;
}

/** Each target has the statement exactly once. */
function expectOnce(marker: string) {
  expect(s.discordPosts(marker)).toHaveLength(1);
  expect(s.telegramPosts(marker)).toHaveLength(1);
  expect(s.xPosts(marker)).toHaveLength(1);
}

describe('fan-out across Discord, Telegram and X', () => {
  it('a slow platform delays nobody: Discord and Telegram are up while X is still answering, and the preview says so', async () => {
    // Well inside the 5 s request bound, and far longer than the other two platforms take.
    s.world.x.setLatency(4_000);
    try {
      const id = await publish('discord', 'slow X');
      // Both chat platforms are done, and the header says so, before X has answered at all.
      const header = await s.until(() => {
        const h = s.header('discord', id);
        return line(h, DISCORD).startsWith('✅') && line(h, TELEGRAM).startsWith('✅') && h;
      }, 'Discord and Telegram to be shown as sent');
      expect(s.xPosts('slow X')).toHaveLength(0);
      expect(line(header, X)).toBe('⏳ x (X) — pending');
      expect(s.discordPosts('slow X')).toHaveLength(1);
      expect(s.telegramPosts('slow X')).toHaveLength(1);

      await s.until(() => line(s.header('discord', id), X).startsWith('✅'), 'X to be shown as sent');
      expect(line(s.header('discord', id), X)).toMatch(/^✅ x \(X\) — https:\/\/x\.com\/acmefinance\/status\/\d+$/);
      expectOnce('slow X');
    } finally {
      s.world.x.setLatency(0);
    }
  });

  it('a rate-limited platform delays nobody: Telegram and X post while Discord waits out its retry_after', async () => {
    const channel = s.world.discordTargets[0]!;
    s.world.discord.injectFault({ method: 'POST', path: `/channels/${channel}/messages` }, { kind: 'ratelimit', retryAfterSec: 4 });
    const id = await publish('discord', 'limited Discord');
    // Discord's first request may be answered before or after the other two post (a loaded machine
    // decides); either way, once both have happened Discord still has nothing and waits out its 4 s.
    const limited = () => s.world.discord.requests.some((r) => r.path === `/channels/${channel}/messages` && r.status === 429);
    await s.until(() => s.telegramPosts('limited Discord').length && s.xPosts('limited Discord').length && limited(), 'Telegram and X to post, and Discord to answer 429');
    expect(s.discordPosts('limited Discord')).toHaveLength(0);
    const waiting = await s.until(() => {
      const h = s.header('discord', id);
      return line(h, TELEGRAM).startsWith('✅') && line(h, X).startsWith('✅') && line(h, DISCORD);
    }, 'the header to show Telegram and X sent');
    // A wait Discord asked for is not a failure: ⏳, with what Discord said.
    expect(waiting).toMatch(/^⏳ discord-announcements \(Discord\) — /);

    await s.until(() => line(s.header('discord', id), DISCORD).startsWith('✅'), 'Discord to be shown as sent');
    expectOnce('limited Discord');
    expect(s.deliveries(id).map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
  });
});

interface Outage {
  platform: string;
  target: string;
  /** Where the team drafts and watches: the comms chat of a platform that stays up. */
  comms: Comms;
  down(): void;
  up(): void;
  reason: RegExp;
}

const OUTAGES: Outage[] = [
  {
    platform: 'Discord',
    target: DISCORD,
    comms: 'telegram',
    down: () => s.world.discord.setDown(true),
    up: () => s.world.discord.setDown(false),
    reason: /503/,
  },
  {
    platform: 'Telegram',
    target: TELEGRAM,
    comms: 'discord',
    // Only the announcement channel answers 503: the comms group keeps working, as it would in a partial outage.
    down: () => s.world.telegram.injectFault({ method: 'sendMessage', chatId: SANDBOX_IDS.telegramTargetBase }, { kind: 'status', status: 503 }, 10_000),
    up: () => s.world.telegram.clearFaults(),
    reason: /503/,
  },
  {
    platform: 'X',
    target: X,
    comms: 'discord',
    down: () => s.world.x.injectFault({ method: 'POST', path: '/2/tweets' }, { kind: 'status', status: 503 }, 10_000),
    up: () => s.world.x.clearFaults(),
    reason: /503/,
  },
];

describe('one platform answers 503 for a while', () => {
  it.each(OUTAGES)('$platform: the others deliver at once, it delivers once it recovers, and the preview shows ⏳ (retrying, with the reason) then ✅, never ❌', async (o) => {
    const marker = `${o.platform} outage`;
    o.down();
    let id: number;
    try {
      id = await publish(o.comms, marker);
      // While it is still down: the other two are sent, and the header names the failure and the retry.
      const failing = await s.until(() => {
        const h = s.header(o.comms, id);
        const others = [DISCORD, TELEGRAM, X].filter((t) => t !== o.target);
        return others.every((t) => line(h, t).startsWith('✅')) && line(h, o.target).startsWith('⏳') && o.reason.test(line(h, o.target)) && line(h, o.target);
      }, `the header to show ${o.platform} failing and the others sent`);
      expect(failing).toMatch(o.reason);
      expect(failing).toMatch(/; retrying at \d\d:\d\d:\d\d UTC$/);
      expect(s.delivery(id, o.target)!.status).toBe('pending');
      expect(s.delivery(id, o.target)!.attempts).toBeGreaterThanOrEqual(1);
    } finally {
      o.up();
    }

    await s.until(() => line(s.header(o.comms, id), o.target).startsWith('✅'), `${o.platform} to be shown as sent`);
    expectOnce(marker);
    const history = s.headerHistory(o.comms, id).map((h) => line(h, o.target));
    const firstFailure = history.findIndex((l) => l.startsWith('⏳') && o.reason.test(l));
    const sent = history.findIndex((l) => l.startsWith('✅'));
    expect(firstFailure).toBeGreaterThanOrEqual(0);
    expect(sent).toBeGreaterThan(firstFailure);
    // Retrying is not failing: ❌ means herald gave up, and it never did here.
    expect(history.filter((l) => l.startsWith('❌'))).toEqual([]);
    expect(s.deliveries(id).map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
  });
});

describe('all three down, then back', () => {
  it('each target gets its post exactly once', async () => {
    const marker = 'total outage';
    s.world.discord.setDown(true);
    s.world.x.setDown(true);
    // The approval has to reach herald, so Telegram goes down for the channel first and entirely once herald has tried it.
    s.world.telegram.injectFault({ method: 'sendMessage', chatId: SANDBOX_IDS.telegramTargetBase }, { kind: 'status', status: 503 }, 10_000);
    let id = 0;
    try {
      id = await publish('telegram', marker);
      await s.until(() => s.deliveries(id).length === 3 && s.deliveries(id).every((d) => d.attempts >= 1), 'every target to have failed once');
      s.world.telegram.setDown(true, 'badGateway');
      s.world.telegram.clearFaults();
      // Every platform refuses for a few more rounds of retries.
      const attempts = s.deliveries(id).map((d) => d.attempts);
      await s.until(() => s.deliveries(id).every((d, i) => d.attempts >= attempts[i]! + 2), 'two more failed attempts on every target');
      expect(s.deliveries(id).map((d) => d.status)).toEqual(['pending', 'pending', 'pending']);
      expect(s.discordPosts(marker)).toHaveLength(0);
      expect(s.telegramPosts(marker)).toHaveLength(0);
      expect(s.xPosts(marker)).toHaveLength(0);
    } finally {
      s.world.telegram.setDown(false);
      s.world.telegram.clearFaults();
      s.world.discord.setDown(false);
      s.world.x.setDown(false);
    }

    await s.settled(id);
    expect(s.deliveries(id).map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    await s.until(() => [DISCORD, TELEGRAM, X].every((t) => line(s.header('telegram', id), t).startsWith('✅')), 'the header to show every target sent');
    expectOnce(marker);
  });
});

describe('an X thread whose third part is refused', () => {
  it('keeps parts one and two with their ids and reports the failure in the comms channel', async () => {
    // sev1/exploit-investigating with these values is a thread of three posts on X.
    const values = [
      'affected="以太坊上的USDC借贷池 (the USDC lending pool on Ethereum, thread case)"',
      'next_update="60分钟内 (in 60 minutes)"',
      'user_action="请不要向任何Acme资金池存款，直到另行通知。Do not deposit into any Acme pool until further notice, and do not sign any transaction that asks for an approval."',
    ].join(' ');
    const marker = 'thread case';
    const posted: string[] = [];
    const onPost = (p: { id: string }) => {
      posted.push(p.id);
      // X refuses the third part for good (403: the app lost its write permission).
      if (posted.length === 2) s.world.x.injectFault({ method: 'POST', path: '/2/tweets' }, { kind: 'forbidden' });
    };
    s.world.x.on('post', onPost);
    try {
      const id = await s.draft('discord', 'sev1/exploit-investigating', values);
      expect(s.header('discord', id)).toContain('X — thread of 3 posts');
      await s.approve('discord', 'bob', id);
      await s.approve('discord', 'carol', id);
      await s.settled(id);

      const x = s.delivery(id, X)!;
      expect(x.status).toBe('failed');
      expect(x.lastError).toMatch(/^X refused part 3\/3 of the thread \(403 Forbidden\)/);
      const threadPosts = s.world.x.posts().filter((p) => posted.slice(0, 2).includes(p.id));
      expect(threadPosts).toHaveLength(2);
      expect(threadPosts[1]!.in_reply_to_tweet_id).toBe(threadPosts[0]!.id);
      expect(s.parts(x.id).map((p) => [p.idx, p.messageId])).toEqual([
        [0, threadPosts[0]!.id],
        [1, threadPosts[1]!.id],
        [2, null],
      ]);
      // Discord and Telegram were not held up by it.
      expect(s.discordPosts(marker)).toHaveLength(1);
      expect(s.telegramPosts(marker)).toHaveLength(1);
      // The comms channel is told: the header line and a notice of its own.
      await s.until(() => line(s.header('discord', id), X).startsWith('❌'), 'the header to show X failed');
      expect(line(s.header('discord', id), X)).toMatch(/^❌ x \(X\) — X refused part 3\/3 of the thread \(403 Forbidden\).*; not retried/);
      const notice = await s.until(
        () => s.world.discord.messages(SANDBOX_IDS.discordComms).find((m) => m.content.startsWith(`❌ #${id} did not reach x (X)`)),
        'the failure notice in the comms channel',
      );
      expect(notice.content).toContain('part 3/3');
    } finally {
      s.world.x.off('post', onPost);
    }
  });
});
