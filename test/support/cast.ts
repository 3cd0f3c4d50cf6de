/**
 * The people every test is about, and the chats they meet in. The fixture configs
 * (test/fixtures/herald.yaml, test/platforms/discord/herald.yaml) name the same people with the
 * same ids; test/cast.test.ts fails when they drift apart. (The sandbox has a team of its own in
 * src/sandbox/world.ts: that is product code, and the end-to-end tests, which drive the sandbox's
 * world, use it.)
 */

export interface CastMember {
  /** How the platforms show them (Telegram first name, display name). */
  name: string;
  /** Roles herald's config gives them by person; frank is an approver only through a Discord role. */
  roles: readonly string[];
  /** A Discord user id, shaped like a real snowflake; absent for someone without a Discord account. */
  discord?: string;
  /** A Telegram user id; absent for someone without a Telegram account. */
  telegram?: number;
  telegramUsername?: string;
}

export const CAST = {
  alice: { name: 'Alice', roles: ['drafter'], discord: '1300000000000000101', telegram: 201 },
  bob: { name: 'Bob', roles: ['approver'], discord: '1300000000000000102', telegram: 202 },
  carol: { name: 'Carol', roles: ['approver'], discord: '1300000000000000103', telegram: 203 },
  dave: { name: 'Dave', roles: ['moderator'], discord: '1300000000000000104', telegram: 204, telegramUsername: 'dave_mod' },
  erin: { name: 'Erin', roles: ['drafter', 'approver'], discord: '1300000000000000105', telegram: 205 },
  /** Holds the Discord Approvers role, and is named nowhere in herald's config. */
  frank: { name: 'Frank', roles: [], discord: '1300000000000000106' },
  /** An outsider who tries what only the team may do. */
  mallory: { name: 'Mallory', roles: [], discord: '1300000000000000666', telegram: 266 },
  /** A member of the public community group. */
  manny: { name: 'Manny', roles: [], telegram: 301, telegramUsername: 'manny' },
} as const satisfies Record<string, CastMember>;

export type Person = keyof typeof CAST;
export const PEOPLE = Object.keys(CAST) as Person[];

export type DiscordPerson = { [P in Person]: (typeof CAST)[P] extends { discord: string } ? P : never }[Person];
export type TelegramPerson = { [P in Person]: (typeof CAST)[P] extends { telegram: number } ? P : never }[Person];

/** Discord user ids by person, for those with a Discord account. */
export const USER = Object.fromEntries(PEOPLE.flatMap((p) => ('discord' in CAST[p] ? [[p, CAST[p].discord]] : []))) as Record<DiscordPerson, string>;

/** Telegram user ids by person, for those with a Telegram account. */
export const ID = Object.fromEntries(PEOPLE.flatMap((p) => ('telegram' in CAST[p] ? [[p, CAST[p].telegram]] : []))) as Record<TelegramPerson, number>;

// ---- Where they meet ----

/** The comms chats of test/fixtures/herald.yaml (the core's tests, the Telegram adapter's). */
export const COMMS = { discord: '500', telegram: '-1000000000500' } as const;

/** The Discord server of the Discord adapter's tests (test/platforms/discord/herald.yaml). */
export const APP = '1300000000000000900';
export const GUILD = '1300000000000000001';
export const CH = {
  comms: '1300000000000000010',
  news: '1300000000000000011',
  status: '1300000000000000012',
  lounge: '1300000000000000013',
  gone: '1300000000000000099',
} as const;
/** Approvers makes approvers (discord_roles in both fixtures); Holders is a mentionable community role. */
export const ROLE = { approvers: '1300000000000000020', holders: '1300000000000000022' } as const;

/** Telegram chats of the Telegram adapter's tests. */
export const COMMS_ID = Number(COMMS.telegram);
/** telegram-main in the fixture is @acmefinance. */
export const CHANNEL_ID = -1001234567890;
/** A public community group where moderators answer questions. */
export const COMMUNITY_ID = -1001111111111;
/** A second broadcast target some tests add. */
export const SECOND_ID = -1002222222222;
