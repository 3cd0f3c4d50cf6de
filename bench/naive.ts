import { REST, Routes } from 'discord.js';
import { Telegraf } from 'telegraf';
import { TwitterApi } from 'twitter-api-v2';
import { DEFAULT_X_CREDENTIALS } from '@herald/emulators/x';
import { startWorld } from '../src/sandbox/world';
import { xClientOptionsFor } from '../src/platforms/x/base-url-plugin';
import { tempDir } from '../test/support/config';
import { join } from 'node:path';
import { LATENCY } from './fanout';
import { percentile, round } from './stats';

export interface NaiveResult {
  p50: number;
  p95: number;
  runs: number;
}

/**
 * The side-by-side baseline: a relay with no outbox, no audit log and no approvals, which posts
 * the same statement with the same three client libraries one platform after another (Discord,
 * then Telegram, then X) as soon as it is told to, against the same emulators with the same
 * latencies. Timed like herald's fan-out: from the moment it is told to (herald: the final
 * approval reaching it) to the moment the last platform stored the post (the emulators' events).
 */
export async function benchNaive(opts: { runs: number; texts: { discord: string; telegram: string; x: string } }): Promise<NaiveResult> {
  const w = await startWorld({ configPath: join(tempDir('herald-naive-'), 'herald.yaml'), latencyMs: LATENCY });
  try {
    const rest = new REST({ api: w.env.DISCORD_API_URL!, retries: 0 }).setToken(w.env.DISCORD_TOKEN!);
    const telegram = new Telegraf(w.env.TELEGRAM_BOT_TOKEN!, { telegram: { apiRoot: w.env.TELEGRAM_API_ROOT!, webhookReply: false } }).telegram;
    const x = new TwitterApi(
      { appKey: DEFAULT_X_CREDENTIALS.appKey, appSecret: DEFAULT_X_CREDENTIALS.appSecret, accessToken: DEFAULT_X_CREDENTIALS.accessToken, accessSecret: DEFAULT_X_CREDENTIALS.accessSecret },
      xClientOptionsFor(w.env.X_API_URL!, { timeoutMs: 10_000 }),
    );
    let stored = 0;
    w.x.on('post', () => (stored = performance.now()));
    const took: number[] = [];
    for (let n = 1; n <= opts.runs; n++) {
      // X refuses a post repeating one of the last day's: each run's text is its own, as herald's runs are.
      const tag = ` (relay ${n})`;
      const t0 = performance.now();
      await rest.post(Routes.channelMessages(w.discordTargets[0]!), { body: { content: opts.texts.discord + tag } });
      await telegram.sendMessage(w.telegramTargets[0]!, opts.texts.telegram + tag);
      await x.v2.tweet((opts.texts.x + tag).slice(0, 280));
      took.push(stored - t0);
    }
    return { p50: round(percentile(took, 50)), p95: round(percentile(took, 95)), runs: took.length };
  } finally {
    await w.close();
  }
}
