import { and, eq } from 'drizzle-orm';
import { openDb } from '../src/store/db';
import { auditEvents } from '../src/store/schema';
import { rssMb } from '../test/e2e/support/herald-process';
import { SANDBOX_IDS, SANDBOX_PEOPLE, Stage, type Comms } from '../test/e2e/support/stage';
import { LATENCY } from './fanout';
import { round, say } from './stats';

/** The platforms' documented limits the emulators enforce (see BENCHMARKS.md for the sources). */
export const LIMITS = {
  discord: { globalPerSecond: 50, messagesPerChannel: 5, channelWindowS: 5 },
  telegram: { globalPerSecond: 30, perChatPerSecond: 1 },
} as const;

/** sev2/degraded-service with these values: one Discord message, one Telegram message, an X thread of three. */
const VARS = [
  'affected="the swap page (wide fan-out)"',
  'impact="Swaps and limit orders fail to submit for most wallets, and quotes on the swap page may be several minutes old. Transactions already signed settle normally on-chain (wide fan-out)."',
  'funds_status="Your funds are not affected (wide fan-out). Balances, positions and open orders on-chain are unchanged, and withdrawals work through the contracts directly."',
  'next_update="in 2 hours"',
].join(' ');

export interface WideResult {
  comms: Comms;
  seconds: number;
  floor_seconds: number;
  ratio: number;
  /** 429s the emulators answered herald, all platforms. */
  status_429: number;
  status_429_by_platform: { discord: number; telegram: number; x: number };
  /** From the approval to the last post accepted (before crossposts and pins). */
  posts_seconds: number;
  targets: { discord: number; telegram: number; x_parts: number };
  requests: { discord: number; telegram: number; x: number };
  floor: { discord: number; telegram: number; x: number };
  rss_mb: number | null;
}

/**
 * What the limits allow, with the emulators' latencies, if herald had no cost at all:
 * - Discord: each announcement channel takes its post (80 ms), a crosspost per part and one pin;
 *   no more than 50 requests in any second, so request k (0-based) cannot start before ⌊k/50⌋ s.
 *   A channel's 5 messages per 5 s only bind past 5 parts.
 * - Telegram: one message a second into a chat, 30 a second overall; each call 120 ms (the pin too).
 * - X: the parts of a thread one after the other, 250 ms each.
 */
export function floorSeconds(n: { discordChannels: number; discordParts: number; telegramChats: number; telegramParts: number; xParts: number }) {
  const d = LIMITS.discord;
  const discordRequests = n.discordChannels * (2 * n.discordParts + 1);
  const discordGlobal = Math.floor((discordRequests - 1) / d.globalPerSecond);
  const discordChannel = Math.max(0, Math.ceil(n.discordParts / d.messagesPerChannel) - 1) * d.channelWindowS;
  const discordChain = (n.discordParts * LATENCY.discord) / 1000;
  const discord = Math.max(discordGlobal, discordChannel + discordChain, discordChain);
  const t = LIMITS.telegram;
  const telegramSends = Math.max(n.telegramParts - 1, Math.floor((n.telegramChats * n.telegramParts - 1) / t.globalPerSecond));
  const telegram = telegramSends + (2 * LATENCY.telegram) / 1000;
  const x = (n.xParts * LATENCY.x) / 1000;
  return { seconds: Math.max(discord, telegram, x), discord, telegram, x };
}

/**
 * One statement to 25 Discord announcement channels, 25 Telegram channels and X (a thread of
 * three), against emulators enforcing the limits and adding the same latencies as the fan-out
 * benchmark. Timed from the final approval to the last delivery recorded as sent (post,
 * crossposts and pin done), from herald's own audit log. `databaseUrl`: herald on that
 * (empty) PostgreSQL database instead of a SQLite file.
 */
export async function benchWide(opts: { channels: number; comms: Comms; nodeArgs?: string[]; databaseUrl?: string }): Promise<WideResult> {
  const s = await Stage.open({ discordTargets: opts.channels, telegramTargets: opts.channels, enforceLimits: true, latencyMs: LATENCY, ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}) });
  try {
    await s.start(opts.nodeArgs);
    const w = s.world;
    const id = await s.draft(opts.comms, 'sev2/degraded-service', VARS);
    // Whatever the preview cost is spent; the benchmark starts with the limits' windows clear.
    await new Promise((r) => setTimeout(r, 5_500));
    const before = { discord: w.discord.requests.length, telegram: w.telegram.requests.length, x: w.x.requests.length };
    const status429Before = w.discord.stats.status429;
    let lastPost = 0;
    const onPost = () => (lastPost = Date.now());
    // Statements only: not the pin notices Discord and Telegram add to the channels.
    w.discord.on('message', (m) => w.discordTargets.includes(m.channel_id) && m.type === 0 && onPost());
    w.telegram.on('message', (m) => w.telegramTargets.includes(m.chatId) && m.sender === 'bot' && onPost());
    w.x.on('post', onPost);

    const t0 = Date.now();
    if (opts.comms === 'telegram') s.telegramCommand('bob', `/approve ${id}`);
    else await w.discord.sendInteraction({ kind: 'command', name: 'approve', options: { draft: String(id) }, guildId: SANDBOX_IDS.guild, channelId: SANDBOX_IDS.discordComms, userId: SANDBOX_PEOPLE.bob.discord });
    const rows = await s.settled(id, 60_000);
    if (!rows.every((d) => d.status === 'sent')) throw new Error(`wide fan-out: not every delivery was sent: ${rows.filter((d) => d.status !== 'sent').map((d) => `${d.targetId}: ${d.lastError}`).join('; ')}`);

    const db = openDb(s.dbPath, { migrate: false });
    const sentAt = db
      .select({ ts: auditEvents.ts })
      .from(auditEvents)
      .where(and(eq(auditEvents.draftId, id), eq(auditEvents.type, 'delivery.sent')))
      .all()
      .map((r) => Date.parse(r.ts));
    db.$client.close();
    const seconds = (Math.max(...sentAt) - t0) / 1000;

    const parts = (platform: string) => s.parts(rows.find((d) => d.platform === platform)!.id).length;
    const floor = floorSeconds({ discordChannels: opts.channels, discordParts: parts('discord'), telegramChats: opts.channels, telegramParts: parts('telegram'), xParts: parts('x') });
    const since = <T,>(list: readonly T[], from: number) => list.slice(from);
    const by429 = {
      discord: w.discord.stats.status429 - status429Before,
      telegram: since(w.telegram.requests, before.telegram).filter((r) => r.status === 429).length,
      x: since(w.x.requests, before.x).filter((r) => r.status === 429).length,
    };
    const rss = rssMb(s.herald!.pid);
    if (process.env.BENCH_DEBUG) {
      // Where the time went: when each kind of Discord request reached the emulator, ms after the approval.
      const requests = since(w.discord.requests, before.discord);
      for (const route of new Set(requests.map((r) => `${r.method} ${r.route}`))) {
        const at = requests.filter((r) => `${r.method} ${r.route}` === route).map((r) => r.at - t0);
        say(`discord ${route}: ${at.length} requests, first +${Math.min(...at)} ms, last +${Math.max(...at)} ms`);
      }
      const tg = since(w.telegram.requests, before.telegram).filter((r) => r.method !== 'getUpdates');
      for (const method of new Set(tg.map((r) => r.method))) {
        const at = tg.filter((r) => r.method === method).map((r) => r.at - t0);
        say(`telegram ${method}: ${at.length} requests, first +${Math.min(...at)} ms, last +${Math.max(...at)} ms`);
      }
      say(`discord 429s: ${requests.filter((r) => r.status === 429).map((r) => `${r.method} ${r.route} +${r.at - t0}`).join(', ')}`);
      say(`x: requests at ${since(w.x.requests, before.x).map((r) => `${r.method} ${r.path} +${Date.parse(r.at) - t0}`).join(', ')} ms`);
      const last: Record<string, number> = {};
      for (const d of rows) last[d.platform] = Math.max(last[d.platform] ?? 0, Date.parse(d.updatedAt) - t0);
      say(`last delivery recorded sent, ms after the approval: ${JSON.stringify(last)}`);
    }
    return {
      comms: opts.comms,
      seconds: round(seconds, 3),
      floor_seconds: round(floor.seconds, 3),
      ratio: round(seconds / floor.seconds, 3),
      status_429: by429.discord + by429.telegram + by429.x,
      status_429_by_platform: by429,
      posts_seconds: round((lastPost - t0) / 1000, 3),
      targets: { discord: opts.channels, telegram: opts.channels, x_parts: parts('x') },
      requests: {
        discord: w.discord.requests.length - before.discord,
        telegram: since(w.telegram.requests, before.telegram).filter((r) => r.method !== 'getUpdates').length,
        x: w.x.requests.length - before.x,
      },
      floor: { discord: round(floor.discord, 3), telegram: round(floor.telegram, 3), x: round(floor.x, 3) },
      rss_mb: rss === null ? null : round(rss),
    };
  } finally {
    await s.close();
  }
}

/** The figures of a run as the result line prints them: memory and comms are reported apart. */
export function strip(w: WideResult) {
  const { rss_mb: _rss, comms: _comms, ...rest } = w;
  return rest;
}
