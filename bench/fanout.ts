import { SANDBOX_IDS, SANDBOX_PEOPLE, Stage } from '../test/e2e/support/stage';
import { rssMb } from '../test/e2e/support/herald-process';
import { percentile, round, say, sleep } from './stats';

export const LATENCY = { discord: 80, telegram: 120, x: 250 } as const;

/**
 * herald's Telegram pacer allows 20 messages a minute into one group or channel (Telegram's
 * group limit; herald applies it to channels too), so broadcasts to the one Telegram channel
 * are spaced a little over 3 s apart: what is measured is herald, not that wait.
 */
const SPACING_MS = 3_150;

/** sev2/degraded-service with short values: one message on Discord and Telegram, one post on X. */
const vars = (n: number) =>
  `affected="the swap page (run ${n})" impact="Swaps fail to submit." funds_status="Your funds are not affected." next_update="in 2 hours"`;

export interface FanoutResult {
  p50: number;
  p95: number;
  overhead_p95: number;
  max: number;
  broadcasts: number;
  per_platform_p95: { discord: number; telegram: number; x: number };
  rss_mb: number | null;
  /** herald's RSS once started and connected, before any statement. */
  idle_rss_mb: number | null;
  /** What the last broadcast posted on each platform, for the naive relay to post the same. */
  texts: { discord: string; telegram: string; x: string };
}

/**
 * From the final approval (the moment the Discord emulator dispatches the /approve interaction
 * to herald) to the moment the last of the three platforms stored the post (the emulator
 * answers right after storing), over `runs` broadcasts after `warmup` unmeasured ones.
 */
export async function benchFanout(opts: { runs: number; warmup: number; nodeArgs?: string[] }): Promise<FanoutResult> {
  const s = await Stage.open({ latencyMs: LATENCY });
  try {
    await s.start(opts.nodeArgs);
    const idle = rssMb(s.herald!.pid);
    const w = s.world;
    const seen = new Map<string, number>();
    const texts = { discord: '', telegram: '', x: '' };
    const stamp = (platform: 'discord' | 'telegram' | 'x') => (text: string) => {
      texts[platform] = text;
      const run = /\(run (\d+)\)/.exec(text)?.[1];
      if (run && !seen.has(`${platform}:${run}`)) seen.set(`${platform}:${run}`, performance.now());
    };
    const onDiscord = stamp('discord');
    const onTelegram = stamp('telegram');
    const onX = stamp('x');
    w.discord.on('message', (m) => m.channel_id === w.discordTargets[0] && onDiscord(m.content));
    w.telegram.on('message', (m) => m.chatId === w.telegramTargets[0] && onTelegram(m.text));
    w.x.on('post', (p) => onX(p.text));

    const total: number[] = [];
    const each = { discord: [] as number[], telegram: [] as number[], x: [] as number[] };
    let last = -Infinity;
    let lastDraft = 0;
    for (let n = 1; n <= opts.warmup + opts.runs; n++) {
      const id = await s.draft('discord', 'sev2/degraded-service', vars(n));
      lastDraft = id;
      await sleep(Math.max(0, last + SPACING_MS - performance.now()));
      const t0 = performance.now();
      last = t0;
      // bob read revision 1 in the Discord comms channel; in the Telegram group he names it (a typed approval counts only for what that chat was shown).
      s.telegramCommand('bob', `/approve ${id} r1`);
      const done = await s.until(() => {
        const at = (['discord', 'telegram', 'x'] as const).map((p) => seen.get(`${p}:${n}`));
        return at.every((t) => t !== undefined) && (at as number[]);
      }, `broadcast ${n} to reach all three platforms`, 30_000);
      if (n <= opts.warmup) continue;
      const [d, t, x] = done.map((at) => at - t0) as [number, number, number];
      each.discord.push(d);
      each.telegram.push(t);
      each.x.push(x);
      total.push(Math.max(d, t, x));
      if ((n - opts.warmup) % 10 === 0) say(`fanout: ${n - opts.warmup}/${opts.runs} broadcasts, p50 so far ${round(percentile(total, 50))} ms`);
    }
    await s.until(() => s.deliveries(lastDraft).every((d) => d.status === 'sent'), 'the last broadcast to finish');
    const rss = rssMb(s.herald!.pid);
    const slowest = Math.max(LATENCY.discord, LATENCY.telegram, LATENCY.x);
    const p95 = percentile(total, 95);
    return {
      p50: round(percentile(total, 50)),
      p95: round(p95),
      overhead_p95: round(p95 - slowest),
      max: round(Math.max(...total)),
      broadcasts: total.length,
      per_platform_p95: { discord: round(percentile(each.discord, 95)), telegram: round(percentile(each.telegram, 95)), x: round(percentile(each.x, 95)) },
      rss_mb: rss === null ? null : round(rss),
      idle_rss_mb: idle === null ? null : round(idle),
      texts,
    };
  } finally {
    await s.close();
  }
}
