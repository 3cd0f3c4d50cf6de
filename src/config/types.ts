import type { FileConfig, Policy, Role, Severity, Target, ChatPlatform, Platform } from './schema';

export interface Config {
  /** `signingKey`: herald's Ed25519 key (HERALD_SIGNING_KEY_FILE); `checkpoints`: the signed audit heads kept outside the database. */
  /** db: the SQLite file, or HERALD_DATABASE_URL (postgres://…) when set. */
  paths: { db: string; templates: string; configFile: string | null; signingKey: string; checkpoints: string };
  logLevel: string;
  /** `verify_url`: the status site's verify.html, set when the site is built and has a URL (org.status_page or a destination's url). */
  org: FileConfig['org'] & { verify_url?: string };
  officialDomains: string[];
  officialUrls: string[];
  officialAddresses: string[];
  officialHandles: FileConfig['official_handles'];
  people: FileConfig['people'];
  discordRoles: FileConfig['discord_roles'];
  policies: Record<Severity, Policy>;
  targets: Record<string, Target>;
  delivery: FileConfig['delivery'];
  /** The private channels where drafting and approving are allowed, per chat platform. */
  comms: Partial<Record<ChatPlatform, string>>;
  /**
   * Set only while herald runs a drill (`herald start --drill`): every severity posts to these
   * targets alone (the policies above already say so), and every statement carries the label.
   */
  drill?: { targets: string[]; label: string };
  /** Every secret value, so that logs and errors can be scrubbed of them. */
  secrets: string[];
  /** Each platform is enabled by its credentials; absent means not configured. */
  discord?: { token: string; applicationId: string; guildIds: string[]; apiUrl?: string };
  telegram?: { token: string; apiRoot?: string; webhook?: { url: string; secret: string; port: number } };
  x?: { auth: XAuth; apiUrl?: string };
  /**
   * This process among the herald instances on one database: its name (HERALD_INSTANCE_ID) and
   * how long its singleton leases and delivery claims hold without renewal (HERALD_LEASE_TTL_MS).
   */
  instance: { id: string; leaseTtlMs: number };
  /** Health and metrics (`/healthz`, `/readyz`, `/metrics`): absent means no port is opened. */
  http?: { port: number; host: string };
  /** The static status site (`status_site` in the config file): where it is built, and where each build is published. */
  statusSite?: { dir: string; publish?: SiteDestination[] };
  /** The team's alert webhook; `routingKey` only for PagerDuty. */
  alerts?: { kind: 'slack' | 'pagerduty'; url: string; routingKey?: string; disconnectedAfterMs: number };
}

/** One place the status site is published, by its name (`name`, or site-1, site-2… in the order listed); paths are absolute. */
export type SiteDestination =
  | { id: string; type: 'dir'; path: string; url?: string }
  | { id: string; type: 'git'; remote: string; branch: string; url?: string };

export type XAuth = { appKey: string; appSecret: string; accessToken: string; accessSecret: string } | { userToken: string };

export type { Policy, Role, Severity, Target, ChatPlatform, Platform };
