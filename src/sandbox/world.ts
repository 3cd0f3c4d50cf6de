import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { startDiscordEmulator, type DiscordEmulator } from '@herald/emulators/discord';
import { startTelegramEmulator, type TelegramEmulator } from '@herald/emulators/telegram';
import { DEFAULT_X_CREDENTIALS, startXEmulator, type XEmulator } from '@herald/emulators/x';

/**
 * A complete loopback world for herald: Discord, Telegram and X emulators seeded with a team
 * (a drafter, two approvers, a moderator, an outsider), a private comms channel on each chat
 * platform, announcement targets, a public community chat on each (where the moderator answers
 * members with the FAQ: herald answers /faq in any chat it is in, so it needs no setting), and the
 * environment and config file that point herald at them. The sandbox, the cross-platform tests and the benchmark all start from here.
 */
export const SANDBOX_PEOPLE = {
  alice: { role: 'drafter', discord: '1400000000000000101', telegram: 5101 },
  bob: { role: 'approver', discord: '1400000000000000102', telegram: 5102 },
  carol: { role: 'approver', discord: '1400000000000000103', telegram: 5103 },
  dave: { role: 'moderator', discord: '1400000000000000104', telegram: 5104 },
  mallory: { role: null, discord: '1400000000000000666', telegram: 5666 },
} as const;
export type SandboxPerson = keyof typeof SANDBOX_PEOPLE;

export const SANDBOX_IDS = {
  application: '1400000000000000900',
  guild: '1400000000000000001',
  discordComms: '1400000000000000010',
  discordCommunity: '1400000000000000012',
  /** Announcement channels are ...0200, ...0201, … */
  discordAnnouncementBase: 1400000000000000200n,
  telegramComms: -1001400000010,
  telegramCommunity: -1001400000012,
  /** Telegram target channels are -1001400000200, -1001400000201, … */
  telegramTargetBase: -1001400000200,
} as const;

export interface WorldOptions {
  /** How many Discord announcement channels and Telegram channels statements go to (default 1 each). */
  discordTargets?: number;
  telegramTargets?: number;
  /** Latency each emulator adds to posts, in ms. */
  latencyMs?: { discord?: number; telegram?: number; x?: number };
  /** Make the emulators enforce the platforms' documented rate limits. */
  enforceLimits?: boolean;
  /** Where to write the generated herald.config.yaml. */
  configPath: string;
  /** Extra settings merged into the generated config (e.g. delivery bounds). */
  delivery?: Record<string, number>;
}

export interface World {
  discord: DiscordEmulator;
  telegram: TelegramEmulator;
  x: XEmulator;
  /** Environment for herald: credentials, ids and API URLs of the emulators, and HERALD_CONFIG. */
  env: Record<string, string>;
  discordTargets: string[];
  telegramTargets: number[];
  /** The herald config file as written (people, policies, targets, official domains). */
  config: Record<string, unknown>;
  close(): Promise<void>;
}

export async function startWorld(options: WorldOptions): Promise<World> {
  const nDiscord = options.discordTargets ?? 1;
  const nTelegram = options.telegramTargets ?? 1;
  const discordTargets = Array.from({ length: nDiscord }, (_, i) => String(SANDBOX_IDS.discordAnnouncementBase + BigInt(i)));
  const telegramTargets = Array.from({ length: nTelegram }, (_, i) => SANDBOX_IDS.telegramTargetBase - i);
  const people = Object.entries(SANDBOX_PEOPLE) as Array<[SandboxPerson, (typeof SANDBOX_PEOPLE)[SandboxPerson]]>;

  const discord = await startDiscordEmulator({
    applicationId: SANDBOX_IDS.application,
    botUser: { id: SANDBOX_IDS.application, username: 'herald' },
    guilds: [
      {
        id: SANDBOX_IDS.guild,
        name: 'Acme Finance',
        channels: [
          { id: SANDBOX_IDS.discordComms, name: 'comms-private', type: 0 },
          { id: SANDBOX_IDS.discordCommunity, name: 'community', type: 0 },
          ...discordTargets.map((id, i) => ({ id, name: i === 0 ? 'announcements' : `announcements-${i + 1}`, type: 5 as const })),
        ],
        members: people.map(([name, p]) => ({ user: { id: p.discord, username: name }, roles: [] })),
      },
    ],
    ...(options.latencyMs?.discord ? { latencyMs: options.latencyMs.discord } : {}),
    ...(options.enforceLimits ? { enforceLimits: true } : {}),
  });
  const telegram = await startTelegramEmulator({
    bot: { id: 7400000001, username: 'acme_herald_bot', first_name: 'herald' },
    users: people.map(([name, p]) => ({ id: p.telegram, first_name: name, username: `${name}_acme` })),
    chats: [
      { id: SANDBOX_IDS.telegramComms, type: 'supergroup', title: 'Acme comms (private)' },
      { id: SANDBOX_IDS.telegramCommunity, type: 'supergroup', title: 'Acme community', username: 'acme_community' },
      ...telegramTargets.map((id, i) => ({ id, type: 'channel' as const, title: i === 0 ? 'Acme announcements' : `Acme announcements ${i + 1}`, username: i === 0 ? 'acme_announcements' : `acme_announcements_${i + 1}` })),
    ],
    ...(options.latencyMs?.telegram ? { latencyMs: options.latencyMs.telegram } : {}),
    ...(options.enforceLimits ? { enforceLimits: true } : {}),
  });
  const x = await startXEmulator({
    users: [{ id: '1400000000000000777', username: 'acmefinance', name: 'Acme Finance' }],
    credentials: { ...DEFAULT_X_CREDENTIALS, userId: '1400000000000000777' },
    ...(options.latencyMs?.x ? { latencyMs: options.latencyMs.x } : {}),
    ...(options.enforceLimits ? { enforceLimits: true } : {}),
  });

  const targets: Record<string, unknown> = {};
  discordTargets.forEach((channel, i) => (targets[i === 0 ? 'discord-announcements' : `discord-announcements-${i + 1}`] = { platform: 'discord', channel, announcement: true }));
  telegramTargets.forEach((chat, i) => (targets[i === 0 ? 'telegram-channel' : `telegram-channel-${i + 1}`] = { platform: 'telegram', chat: String(chat) }));
  targets.x = { platform: 'x' };
  const all = Object.keys(targets);
  const chatOnly = all.filter((t) => t !== 'x');
  const config = {
    org: {
      name: 'Acme Finance',
      website: 'https://acme.finance',
      app: 'https://app.acme.finance',
      status_page: 'https://status.acme.finance',
      docs: 'https://docs.acme.finance',
      x_handle: '@acmefinance',
      discord: 'https://discord.gg/acmefinance',
      telegram: 'https://t.me/acme_announcements',
    },
    official_domains: ['acme.finance'],
    official_urls: ['https://discord.gg/acmefinance', 'https://t.me/acme_announcements'],
    people: Object.fromEntries(people.filter(([, p]) => p.role).map(([name, p]) => [name, { roles: [p.role], discord: p.discord, telegram: p.telegram }])),
    policies: {
      // A holding update ("no news yet") keeps a promise on one approval: quick when the time is due.
      sev1: { approvals: 2, holding_approvals: 1, ping_everyone: true, pin: true, targets: all },
      sev2: { approvals: 1, ping_everyone: false, pin: true, targets: all },
      sev3: { approvals: 1, ping_everyone: false, pin: false, targets: chatOnly },
      sev4: { approvals: 1, ping_everyone: false, pin: false, targets: chatOnly },
    },
    targets,
    // `herald start --sandbox --drill` rehearses with every sandbox target.
    drill: { targets: all, label: 'DRILL' },
    delivery: { max_attempts: 20, base_delay_ms: 500, max_delay_ms: 10_000, max_wait_ms: 120_000, request_timeout_ms: 10_000, ...options.delivery },
  };
  mkdirSync(dirname(options.configPath), { recursive: true });
  writeFileSync(options.configPath, `# Generated for a loopback world of emulators; not a production config.\n${stringify(config)}`);

  const env: Record<string, string> = {
    HERALD_CONFIG: options.configPath,
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: SANDBOX_IDS.application,
    DISCORD_GUILD_IDS: SANDBOX_IDS.guild,
    DISCORD_COMMS_CHANNEL_ID: SANDBOX_IDS.discordComms,
    DISCORD_API_URL: discord.restUrl,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_COMMS_CHAT_ID: String(SANDBOX_IDS.telegramComms),
    TELEGRAM_API_ROOT: telegram.apiRoot,
    X_API_KEY: DEFAULT_X_CREDENTIALS.appKey,
    X_API_SECRET: DEFAULT_X_CREDENTIALS.appSecret,
    X_ACCESS_TOKEN: DEFAULT_X_CREDENTIALS.accessToken,
    X_ACCESS_SECRET: DEFAULT_X_CREDENTIALS.accessSecret,
    X_API_URL: x.baseUrl,
  };
  return {
    discord,
    telegram,
    x,
    env,
    discordTargets,
    telegramTargets,
    config,
    async close() {
      await Promise.all([discord.close(), telegram.close(), x.close()]);
    },
  };
}
