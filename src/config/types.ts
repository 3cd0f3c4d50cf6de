import type { FileConfig, Policy, Role, Severity, Target, ChatPlatform, Platform } from './schema';

export interface Config {
  paths: { db: string; templates: string; configFile: string | null };
  logLevel: string;
  org: FileConfig['org'];
  officialDomains: string[];
  officialUrls: string[];
  people: FileConfig['people'];
  discordRoles: FileConfig['discord_roles'];
  policies: Record<Severity, Policy>;
  targets: Record<string, Target>;
  delivery: FileConfig['delivery'];
  /** The private channels where drafting and approving are allowed, per chat platform. */
  comms: Partial<Record<ChatPlatform, string>>;
  /** Every secret value, so that logs and errors can be scrubbed of them. */
  secrets: string[];
}

export type { Policy, Role, Severity, Target, ChatPlatform, Platform };
