import { startDiscordEmulator, type DiscordEmulator, type DiscordEmulatorOptions, type GuildSpec } from '@herald/emulators/discord';
import { startTelegramEmulator, type TelegramEmulator, type TelegramEmulatorOptions } from '@herald/emulators/telegram';
import { DEFAULT_X_CREDENTIALS, startXEmulator, type XEmulator, type XEmulatorOptions } from '@herald/emulators/x';
import { APP, CAST, CH, CHANNEL_ID, COMMS_ID, COMMUNITY_ID, GUILD, ID, ROLE, SECOND_ID, USER, type DiscordPerson, type TelegramPerson } from './cast';

/**
 * The loopback platforms of the tests, seeded with the one cast (./cast.ts), and the environment
 * that points herald's config at them. Every in-process herald of the tests starts its emulators
 * here (./herald.ts); the end-to-end stage drives the sandbox's own world instead, which is what
 * `herald sandbox` runs.
 */

export type Emulated = 'discord' | 'telegram' | 'x';

export interface Emulators {
  discord?: DiscordEmulator;
  telegram?: TelegramEmulator;
  x?: XEmulator;
}

export interface EmulatorOptions {
  discord?: DiscordEmulatorOptions;
  telegram?: TelegramEmulatorOptions;
  x?: XEmulatorOptions;
}

/** The Discord server of test/platforms/discord/herald.yaml: frank is an approver by role only. */
export const GUILD_SPEC: GuildSpec = {
  id: GUILD,
  name: 'Acme Finance',
  channels: [
    { id: CH.comms, name: 'comms', type: 0 },
    { id: CH.news, name: 'announcements', type: 5 },
    { id: CH.status, name: 'status', type: 0 },
    { id: CH.lounge, name: 'lounge', type: 0 },
  ],
  roles: [
    { id: ROLE.approvers, name: 'Approvers' },
    { id: ROLE.holders, name: 'Holders', mentionable: true },
  ],
  members: (Object.entries(USER) as Array<[DiscordPerson, string]>).map(([name, id]) => ({ user: { id, username: name }, roles: name === 'frank' ? [ROLE.approvers] : [ROLE.holders] })),
};

const START = {
  discord: (options: DiscordEmulatorOptions = {}) => startDiscordEmulator({ applicationId: APP, botUser: { id: APP, username: 'herald' }, guilds: [GUILD_SPEC], ...options }),
  telegram: (options: TelegramEmulatorOptions = {}) =>
    startTelegramEmulator({
      bot: { id: 7000000001, username: 'herald_test_bot', first_name: 'Herald' },
      users: (Object.keys(ID) as TelegramPerson[]).map((p) => {
        const person: { name: string; telegramUsername?: string } = CAST[p];
        return { id: ID[p], first_name: person.name, ...(person.telegramUsername ? { username: person.telegramUsername } : {}) };
      }),
      chats: [
        { id: COMMS_ID, type: 'supergroup', title: 'Acme comms', admins: [ID.alice, ID.bob] },
        { id: CHANNEL_ID, type: 'channel', title: 'Acme Finance', username: 'acmefinance' },
        { id: COMMUNITY_ID, type: 'supergroup', title: 'Acme community', username: 'acme_community', admins: [ID.dave] },
        { id: SECOND_ID, type: 'supergroup', title: 'Acme announcements (private)' },
      ],
      ...options,
    }),
  x: (options: XEmulatorOptions = {}) => startXEmulator(options),
};

/** Starts each platform's emulator; whatever started is closed again if a later one fails. */
export async function startEmulators(platforms: readonly Emulated[], options: EmulatorOptions = {}): Promise<Emulators & { close(): Promise<void> }> {
  const emus: Emulators = {};
  const close = async () => {
    await Promise.all(Object.values(emus).map((e: { close(): Promise<void> }) => e.close()));
  };
  try {
    for (const p of platforms) {
      if (p === 'discord') emus.discord = await START.discord(options.discord);
      if (p === 'telegram') emus.telegram = await START.telegram(options.telegram);
      if (p === 'x') emus.x = await START.x(options.x);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { ...emus, close };
}

export const discordEnv = (emu: DiscordEmulator): Record<string, string> => ({
  // The test server's channels and roles are named only in the Discord adapter's fixture.
  HERALD_CONFIG: 'test/platforms/discord/herald.yaml',
  DISCORD_TOKEN: emu.token,
  DISCORD_APPLICATION_ID: APP,
  DISCORD_GUILD_IDS: GUILD,
  DISCORD_API_URL: emu.restUrl,
  DISCORD_COMMS_CHANNEL_ID: CH.comms,
});

export const telegramEnv = (emu: TelegramEmulator): Record<string, string> => ({ TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot });

export const xEnv = (emu: XEmulator): Record<string, string> => ({
  X_API_KEY: DEFAULT_X_CREDENTIALS.appKey,
  X_API_SECRET: DEFAULT_X_CREDENTIALS.appSecret,
  X_ACCESS_TOKEN: DEFAULT_X_CREDENTIALS.accessToken,
  X_ACCESS_SECRET: DEFAULT_X_CREDENTIALS.accessSecret,
  X_API_URL: emu.baseUrl,
});

/** Credentials, ids and API addresses of the running emulators, as herald's environment. */
export function emulatorEnv(emus: Emulators): Record<string, string> {
  return { ...(emus.discord && discordEnv(emus.discord)), ...(emus.telegram && telegramEnv(emus.telegram)), ...(emus.x && xEnv(emus.x)) };
}
