import type { Platform } from '../../config/types';
import type { World } from '../world';

export const FAULT_MODES = ['normal', 'slow', 'rate-limited', 'down'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

/** What "slow" adds to every post and edit: noticeable, yet inside herald's request timeout. */
export const SLOW_MS = 2_000;
/** What a rate-limited platform asks herald to wait before the next post. */
export const RETRY_AFTER_S = 5;
// X's fault queue wants a whole number of uses; "until set back to normal" in practice.
const ALWAYS = Number.MAX_SAFE_INTEGER;

/**
 * The console's fault panel: puts one emulated platform in a state a team should rehearse.
 * Rate limits apply to posting where statements go (the platforms limit per channel); "down"
 * takes the whole platform away, the private comms channel included, as a real outage does.
 */
export class FaultPanel {
  readonly modes: Record<Platform, FaultMode> = { discord: 'normal', telegram: 'normal', x: 'normal' };

  constructor(private readonly world: World) {}

  set(platform: Platform, mode: FaultMode): void {
    const { discord, telegram, x } = this.world;
    const emu = { discord, telegram, x }[platform];
    emu.setLatency(0);
    emu.clearFaults();
    emu.setDown(false);
    if (mode === 'slow') emu.setLatency(SLOW_MS);
    if (mode === 'down') emu.setDown(true);
    if (mode === 'rate-limited') this.rateLimit(platform);
    this.modes[platform] = mode;
  }

  private rateLimit(platform: Platform): void {
    const w = this.world;
    if (platform === 'discord') {
      const channels = new RegExp(`^/channels/(${w.discordTargets.join('|')})/messages$`);
      w.discord.injectFault({ method: 'POST', path: channels }, { kind: 'ratelimit', retryAfterSec: RETRY_AFTER_S }, Infinity);
    } else if (platform === 'telegram') {
      for (const chat of w.telegramTargets) w.telegram.injectFault({ method: 'sendMessage', chatId: chat }, { kind: 'ratelimit', retryAfterSec: RETRY_AFTER_S }, ALWAYS);
    } else {
      w.x.injectFault({ method: 'POST', path: '/2/tweets' }, { kind: 'ratelimit', resetInSec: RETRY_AFTER_S }, ALWAYS);
    }
  }
}
