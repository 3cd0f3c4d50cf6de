import { until } from '../../support/until';
import type { HeraldProcess } from './herald-process';
import type { Stage } from './stage';

/**
 * A kill mid-broadcast, shared by the crash test (one herald, restarted), the failover test and
 * benchmark (two instances, the survivor takes over): the broadcast, and the moment of the kill.
 * No vitest here, so the benchmark can use it; what the public must see is ./posted-once.ts.
 */

/** One Discord message, one Telegram message and an X thread of three. */
export const POSTS_PER_BROADCAST = 5;

/** sev2/degraded-service with these values is one Discord message, one Telegram message and an X thread of three, each part naming the trial (X refuses repeated text). */
export const trialVars = (n: number) =>
  [
    `affected="the swap page (trial ${n})"`,
    `impact="Swaps and limit orders fail to submit for most wallets, and quotes on the swap page may be several minutes old. Transactions already signed settle normally on-chain (trial ${n})."`,
    // The promise is published as an absolute time, so the last post names the trial through funds_status.
    `funds_status="Your funds are not affected (trial ${n}). Balances, positions and open orders on-chain are unchanged, and withdrawals work through the contracts directly, with or without our app, at any time and from any wallet. Approvals you gave before today stay as they were, and nothing needs to be revoked or signed again (trial ${n})."`,
    `next_update="in 2 hours"`,
  ].join(' ');

type HttpRecord = { method: string; path: string; body?: unknown };
type BotApiRecord = { method: string; params: Record<string, unknown> };

/** The requests that post this trial's text (its marker) to a public target, per platform: what the public saw arrive, and when. */
export function postRequests(s: Stage, marker: string) {
  const discordPosts = `/channels/${s.world.discordTargets[0]!}/messages`;
  const telegramChat = String(s.world.telegramTargets[0]!);
  return {
    discord: (r: HttpRecord) => r.method === 'POST' && r.path === discordPosts && JSON.stringify(r.body ?? '').includes(marker),
    telegram: (r: BotApiRecord) => r.method === 'sendMessage' && String(r.params.chat_id) === telegramChat && String(r.params.text).includes(marker),
    x: (r: HttpRecord) => r.method === 'POST' && r.path === '/2/tweets' && JSON.stringify(r.body ?? '').includes(marker),
  };
}

/**
 * Runs `start`, then SIGKILLs `herald` at the chosen moment: with 0, once herald has confirmed every
 * Telegram update (it took the approval); else in the same turn as the k-th post of this trial
 * (its text carries the marker) is recorded by the platform it went to. Resolves with the time of
 * the kill, once the process is gone.
 */
export async function killAt(s: Stage, herald: HeraldProcess, post: number, marker: string, start: () => void): Promise<number> {
  const is = postRequests(s, marker);
  let seen = 0;
  let killedAt: number | undefined;
  const kill = () => {
    killedAt ??= Date.now();
    herald.child.kill('SIGKILL');
  };
  const count = (isPost: boolean) => {
    if (killedAt === undefined && isPost && ++seen === post) kill();
  };
  const onDiscord = (r: HttpRecord) => count(is.discord(r));
  const onTelegram = (r: BotApiRecord) => count(is.telegram(r));
  const onX = (r: HttpRecord) => count(is.x(r));
  if (post > 0) {
    s.world.discord.on('request', onDiscord);
    s.world.telegram.on('request', onTelegram);
    s.world.x.on('request', onX);
  }
  try {
    start();
    await until(
      () => {
        if (post === 0 && s.world.telegram.pendingUpdates === 0) kill();
        return killedAt;
      },
      { what: post === 0 ? 'herald to take the approval' : `post ${post} of ${marker} to reach its platform`, timeoutMs: 15_000, everyMs: 1 },
    );
  } finally {
    s.world.discord.off('request', onDiscord);
    s.world.telegram.off('request', onTelegram);
    s.world.x.off('request', onX);
  }
  await herald.kill();
  return killedAt!;
}

/** The parts the killed process had marked `sending` but not `sent`: the outcomes it never learnt, with their platform. */
export const cutParts = (s: Stage, draftId: number) =>
  s.deliveries(draftId).flatMap((d) => s.parts(d.id).filter((p) => p.status === 'sending').map((p) => ({ ...p, platform: d.platform })));

