import type { Config, Platform } from '../config/types';
import type { Logger } from '../util/log';
import type { AdapterFactory, PlatformAdapter } from './types';

/** Loaded only when configured, so a team on one platform never loads the other clients. */
const FACTORIES: Partial<Record<Platform, () => Promise<AdapterFactory>>> = {
  discord: async () => (await import('./discord')).createDiscordAdapter,
  telegram: async () => (await import('./telegram')).createTelegramAdapter,
  x: async () => (await import('./x')).createXAdapter,
};

/** Connects every platform whose credentials are set. */
export async function connectPlatforms(config: Config, log: Logger): Promise<PlatformAdapter[]> {
  const adapters: PlatformAdapter[] = [];
  for (const platform of ['discord', 'telegram', 'x'] as const) {
    if (!config[platform]) continue;
    const load = FACTORIES[platform];
    if (!load) {
      log.warn({ platform }, 'this build of herald has no adapter for a configured platform');
      continue;
    }
    adapters.push(await (await load())(config, log.child({ platform })));
  }
  return adapters;
}

export type { PlatformAdapter };
