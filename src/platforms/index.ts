import type { Config, Platform } from '../config/types';
import type { AdapterFactory, PlatformAdapter } from './types';

/** Loaded only when configured, so a team on one platform never loads the other clients. */
const FACTORIES: Partial<Record<Platform, () => Promise<AdapterFactory>>> = {
  discord: async () => (await import('./discord')).createDiscordAdapter,
  telegram: async () => (await import('./telegram')).createTelegramAdapter,
  x: async () => (await import('./x')).createXAdapter,
};

/** The platforms whose credentials are set, in one order. */
export const configuredPlatforms = (config: Config): Platform[] => (['discord', 'telegram', 'x'] as const).filter((p) => config[p]);

/** The adapter factory of one platform, or undefined when this build has none. */
export async function adapterFactory(platform: Platform): Promise<AdapterFactory | undefined> {
  const load = FACTORIES[platform];
  return load ? load() : undefined;
}

export { refusesCredentials } from './types';
export type { PlatformAdapter };
