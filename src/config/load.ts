import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { isAllowedLink } from '../core/render/official';
import { checksumOk } from '../core/statement/identifiers';
import { PAGERDUTY_EVENTS_URL, resolveAlerts } from './alerts';
import { envSchema, fileSchema, platformName, SEVERITIES, type FileConfig, type Target } from './schema';
import type { Config, SiteDestination } from './types';
import { ConfigError, databasePassword, readEnvironment } from './environment';
import { acquireEveryMs } from '../core/leases/lease';
import { defaultInstanceId } from '../core/leases/instance';

export { ConfigError, databasePassword, readEnvironment };

function describe(issue: z.core.$ZodIssue, prefix: string): string {
  const where = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
  let what = issue.message;
  if (issue.code === 'invalid_type' && /received undefined/i.test(what)) what = `is required (${issue.expected})`;
  if (issue.code === 'unrecognized_keys') what = `unknown setting(s) ${issue.keys.join(', ')}; remove or correct them`;
  return `${prefix}${where}: ${what}`;
}

/**
 * Reads `.env` (without overriding the real environment), then the optional config file, and
 * validates both. Throws ConfigError with one line on the first problem.
 */
export function loadConfig(options: { env?: NodeJS.ProcessEnv; cwd?: string; readDotenv?: boolean; drill?: boolean } = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const env = readEnvironment(options);

  const envResult = envSchema.safeParse(env);
  if (!envResult.success) throw new ConfigError(describe(envResult.error.issues[0]!, ''));
  const e = envResult.data;

  const configFile = resolve(cwd, e.HERALD_CONFIG);
  if (!existsSync(configFile)) {
    throw new ConfigError(
      `HERALD_CONFIG: ${e.HERALD_CONFIG} does not exist; create it (the README's Configuration section shows one) or point HERALD_CONFIG at yours`,
    );
  }
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(configFile, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${e.HERALD_CONFIG}: is not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  const fileResult = fileSchema.safeParse(raw ?? {});
  if (!fileResult.success) throw new ConfigError(describe(fileResult.error.issues[0]!, `${e.HERALD_CONFIG}: `));
  const f = fileResult.data;

  const targets: Record<string, Target> = {};
  for (const [tid, t] of Object.entries(f.targets)) targets[tid] = { ...t, id: tid };
  for (const sev of SEVERITIES) {
    for (const t of f.policies[sev].targets) {
      if (!targets[t]) {
        throw new ConfigError(
          `${e.HERALD_CONFIG}: policies.${sev}.targets: unknown target "${t}"; define it under targets (known: ${Object.keys(targets).join(', ') || 'none'})`,
        );
      }
    }
  }
  for (const t of f.drill?.targets ?? []) {
    if (!targets[t]) {
      throw new ConfigError(`${e.HERALD_CONFIG}: drill.targets: unknown target "${t}"; define it under targets (known: ${Object.keys(targets).join(', ') || 'none'})`);
    }
  }
  if (options.drill && !f.drill) {
    throw new ConfigError(
      `${e.HERALD_CONFIG}: drill: is required by herald start --drill; add drill: { targets: [...] } naming the targets a drill may post to (a test channel, not your real announcements)`,
    );
  }
  // In a drill every severity goes to the drill targets and nowhere else.
  const drill = options.drill && f.drill ? { targets: f.drill.targets, label: f.drill.label } : undefined;
  const policies = drill
    ? (Object.fromEntries(SEVERITIES.map((sev) => [sev, { ...f.policies[sev], targets: drill.targets }])) as Config['policies'])
    : f.policies;
  const seen = new Map<string, string>();
  for (const [name, p] of Object.entries(f.people)) {
    for (const key of [p.discord && `discord:${p.discord}`, p.telegram && `telegram:${p.telegram}`]) {
      if (!key) continue;
      const other = seen.get(key);
      if (other) throw new ConfigError(`${e.HERALD_CONFIG}: people.${name}: ${key} is already ${other}'s account; one account belongs to one person`);
      seen.set(key, name);
    }
  }

  crossCheck(f, e.HERALD_CONFIG);
  checkPolicyExtras(f, e.HERALD_CONFIG);

  const need = (name: string, value: string | undefined, because: string, expects: string): string => {
    if (!value) throw new ConfigError(`${name}: is required because ${because} is set; ${expects}`);
    return value;
  };
  let discord: Config['discord'];
  if (e.DISCORD_TOKEN) {
    discord = {
      token: e.DISCORD_TOKEN,
      applicationId: need('DISCORD_APPLICATION_ID', e.DISCORD_APPLICATION_ID, 'DISCORD_TOKEN', 'expected the numeric application id from the Developer Portal'),
      guildIds: need('DISCORD_GUILD_IDS', e.DISCORD_GUILD_IDS, 'DISCORD_TOKEN', 'expected the numeric id of the server(s) herald serves').split(',').map((g) => g.trim()),
      ...(e.DISCORD_API_URL ? { apiUrl: e.DISCORD_API_URL } : {}),
    };
    need('DISCORD_COMMS_CHANNEL_ID', e.DISCORD_COMMS_CHANNEL_ID, 'DISCORD_TOKEN', 'expected the id of the private comms channel');
  }
  let telegram: Config['telegram'];
  if (e.TELEGRAM_BOT_TOKEN) {
    need('TELEGRAM_COMMS_CHAT_ID', e.TELEGRAM_COMMS_CHAT_ID, 'TELEGRAM_BOT_TOKEN', 'expected the id of the private comms group');
    telegram = {
      token: e.TELEGRAM_BOT_TOKEN,
      ...(e.TELEGRAM_API_ROOT ? { apiRoot: e.TELEGRAM_API_ROOT } : {}),
      ...(e.TELEGRAM_WEBHOOK_URL
        ? {
            webhook: {
              url: e.TELEGRAM_WEBHOOK_URL,
              secret: need('TELEGRAM_WEBHOOK_SECRET', e.TELEGRAM_WEBHOOK_SECRET, 'TELEGRAM_WEBHOOK_URL', 'expected a random secret Telegram sends back with every update'),
              port: e.TELEGRAM_WEBHOOK_PORT ?? 8443,
            },
          }
        : {}),
    };
  }
  let x: Config['x'];
  if (e.X_API_KEY) {
    const expects = 'expected the value from the X developer portal (Keys and tokens)';
    x = {
      auth: {
        appKey: e.X_API_KEY,
        appSecret: need('X_API_SECRET', e.X_API_SECRET, 'X_API_KEY', expects),
        accessToken: need('X_ACCESS_TOKEN', e.X_ACCESS_TOKEN, 'X_API_KEY', expects),
        accessSecret: need('X_ACCESS_SECRET', e.X_ACCESS_SECRET, 'X_API_KEY', expects),
      },
      ...(e.X_API_URL ? { apiUrl: e.X_API_URL } : {}),
    };
  } else if (e.X_OAUTH2_USER_TOKEN) {
    x = { auth: { userToken: e.X_OAUTH2_USER_TOKEN }, ...(e.X_API_URL ? { apiUrl: e.X_API_URL } : {}) };
  }
  const alerts = resolveAlerts(f.alerts, { url: e.HERALD_ALERT_WEBHOOK_URL, routingKey: e.HERALD_PAGERDUTY_ROUTING_KEY }, e.HERALD_CONFIG, (m) => {
    throw new ConfigError(m);
  });
  // A Slack webhook URL written in the file is as secret as one in the environment.
  const fileUrl = alerts && alerts.url !== e.HERALD_ALERT_WEBHOOK_URL && alerts.url !== PAGERDUTY_EVENTS_URL ? alerts.url : undefined;
  const secrets = [e.DISCORD_TOKEN, e.TELEGRAM_BOT_TOKEN, e.TELEGRAM_WEBHOOK_SECRET, e.X_API_KEY, e.X_API_SECRET, e.X_ACCESS_TOKEN, e.X_ACCESS_SECRET, e.X_OAUTH2_USER_TOKEN, e.HERALD_ALERT_WEBHOOK_URL, e.HERALD_PAGERDUTY_ROUTING_KEY, fileUrl, e.HERALD_DATABASE_URL, databasePassword(e.HERALD_DATABASE_URL)].filter(
    (v): v is string => !!v,
  );

  const instance = instanceSettings(e.HERALD_INSTANCE_ID, e.HERALD_LEASE_TTL_MS);
  const site = statusSite(f.status_site, e.HERALD_DB_PATH, cwd, e.HERALD_CONFIG);
  return {
    paths: {
      db: e.HERALD_DATABASE_URL ?? resolve(cwd, e.HERALD_DB_PATH),
      templates: resolve(cwd, e.HERALD_TEMPLATES_DIR),
      configFile,
      signingKey: resolve(cwd, e.HERALD_SIGNING_KEY_FILE),
      checkpoints: resolve(cwd, e.HERALD_CHECKPOINTS_FILE),
    },
    logLevel: e.HERALD_LOG_LEVEL,
    instance,
    ...withVerifyUrl(f, site),
    officialDomains: f.official_domains,
    officialAddresses: f.official_addresses,
    officialHandles: f.official_handles,
    people: f.people,
    discordRoles: f.discord_roles,
    policies,
    targets,
    delivery: f.delivery,
    comms: {
      ...(e.DISCORD_COMMS_CHANNEL_ID ? { discord: e.DISCORD_COMMS_CHANNEL_ID } : {}),
      ...(e.TELEGRAM_COMMS_CHAT_ID ? { telegram: e.TELEGRAM_COMMS_CHAT_ID } : {}),
    },
    secrets,
    ...(discord ? { discord } : {}),
    ...(telegram ? { telegram } : {}),
    ...(x ? { x } : {}),
    ...(drill ? { drill } : {}),
    ...(e.HERALD_HTTP_PORT !== undefined ? { http: { port: e.HERALD_HTTP_PORT, host: e.HERALD_HTTP_HOST } } : {}),
    ...(alerts ? { alerts } : {}),
    ...site,
  };
}

/**
 * A short link templates may give members to check a statement (`{{org.verify_url}}`): the built
 * site's verify.html at org.status_page, else at the first destination with a url. herald's own
 * status site is official, so the link guard lets it through even on a domain of its own.
 */
function withVerifyUrl(f: FileConfig, site: Pick<Config, 'statusSite'>): Pick<Config, 'org' | 'officialUrls'> {
  const base = site.statusSite && (f.org.status_page ?? site.statusSite.publish?.find((d) => d.url)?.url);
  if (!base) return { org: f.org, officialUrls: f.official_urls };
  const verify = `${base.replace(/\/+$/, '')}/verify.html`;
  const allowed = isAllowedLink(verify, { officialDomains: f.official_domains, officialUrls: f.official_urls });
  return { org: { ...f.org, verify_url: verify }, officialUrls: allowed ? f.official_urls : [...f.official_urls, verify] };
}

/**
 * Where the status site is built: `dir` as given (relative to where herald runs, like every
 * path), else status-site beside the database file, which Docker's /data and systemd's
 * /var/lib/herald already make writable. A database in memory has no such place: no site.
 */
function statusSite(s: FileConfig['status_site'], dbPath: string, cwd: string, file: string): Pick<Config, 'statusSite'> {
  if (!s.enabled) return {};
  const dir = s.dir !== undefined ? resolve(cwd, s.dir) : dbPath === ':memory:' ? undefined : join(dirname(resolve(cwd, dbPath)), 'status-site');
  if (!dir) {
    if (s.publish.length) throw new ConfigError(`${file}: status_site.dir: is required with status_site.publish while the database is in memory; name the folder the site is built in`);
    return {};
  }
  return { statusSite: { dir, ...(s.publish.length ? { publish: destinations(s.publish, cwd, file) } : {}) } };
}

/** Each publish destination named (site-1, site-2… unless given), local paths resolved; two with one name are one line. */
function destinations(list: FileConfig['status_site']['publish'], cwd: string, file: string): SiteDestination[] {
  const seen = new Set<string>();
  return list.map((d, i) => {
    const id = d.name ?? `site-${i + 1}`;
    if (seen.has(id)) throw new ConfigError(`${file}: status_site.publish.${i}.name: ${id} names another destination too; give each its own name`);
    seen.add(id);
    const url = d.url ? { url: d.url } : {};
    if (d.type === 'dir') return { id, type: 'dir', path: resolve(cwd, d.path), ...url };
    // A remote that is a path on this machine (a bare repository) is read from the config file's folder.
    const local = !/^[\w+.-]+:\/\//.test(d.remote) && !/^[^/]+@[^/]+:/.test(d.remote);
    return { id, type: 'git', remote: local ? resolve(cwd, d.remote) : d.remote, branch: d.branch, ...url };
  });
}

/** The most time SPEC allows between a singleton holder's death and the other instance taking over. */
export const TAKEOVER_WITHIN_MS = 15_000;
export const DEFAULT_LEASE_TTL_MS = 10_000;

/**
 * A dead holder's lease expires after the TTL, and the other instance tries every TTL/3
 * (acquireEveryMs): the takeover comes at most TTL + TTL/3 after the death, which must stay under 15 s.
 */
function instanceSettings(id: string | undefined, ttl: number | undefined): Config['instance'] {
  const leaseTtlMs = ttl ?? DEFAULT_LEASE_TTL_MS;
  const worst = leaseTtlMs + acquireEveryMs(leaseTtlMs);
  if (leaseTtlMs < 1000 || worst >= TAKEOVER_WITHIN_MS) {
    const most = Math.ceil((TAKEOVER_WITHIN_MS * 3) / 4) - 1;
    throw new ConfigError(`HERALD_LEASE_TTL_MS: ${leaseTtlMs} ms is out of range; expected 1000 to ${most} ms, so that the other instance takes over within 15 s of a holder's death (the TTL plus a third of it between tries)`);
  }
  return { id: id ?? defaultInstanceId(), leaseTtlMs };
}

const ORG_URLS = ['website', 'app', 'status_page', 'docs', 'discord', 'telegram'] as const;

/** What each setting can be on its own but not together with the others. */
function crossCheck(f: FileConfig, file: string): void {
  for (const key of ORG_URLS) {
    const url = f.org[key];
    if (url && !isAllowedLink(url, { officialDomains: f.official_domains, officialUrls: f.official_urls })) {
      throw new ConfigError(`${file}: org.${key}: ${url} fails the link guard (not on ${f.official_domains.join(', ')} and not in official_urls); use an official URL or add it to official_urls`);
    }
  }
  f.official_addresses.forEach((a, i) => {
    if (!checksumOk(a)) throw new ConfigError(`${file}: official_addresses.${i}: ${a} has capital letters that do not match its EIP-55 checksum; copy the address again, or write it all in lower case`);
  });
  // Anyone holding a Discord role that grants approver can approve: their number is not known here.
  if (Object.values(f.discord_roles).some((roles) => roles.includes('approver'))) return;
  const approvers = Object.entries(f.people).filter(([, p]) => p.roles.includes('approver')).map(([n]) => n);
  // The author never counts; when every drafter also approves, one approver is always the author.
  const drafters = Object.values(f.people).filter((p) => p.roles.includes('drafter'));
  const able = drafters.length && drafters.every((p) => p.roles.includes('approver')) ? approvers.length - 1 : approvers.length;
  for (const sev of SEVERITIES) {
    const need = f.policies[sev].approvals;
    if (need > able) {
      const who = approvers.length ? `${approvers.length} (${approvers.join(', ')})` : 'none';
      const author = able < approvers.length ? ', one of whom wrote it' : '';
      throw new ConfigError(
        `${file}: policies.${sev}.approvals: ${need} approvals can never be given: the approvers under people are ${who}${author}; lower it to ${Math.max(able, 1)} or add approvers`,
      );
    }
  }
}

/** A holding policy asking more than the statements it holds for, or break glass for someone who is not an approver. */
function checkPolicyExtras(f: FileConfig, file: string): void {
  for (const sev of SEVERITIES) {
    const p = f.policies[sev];
    if (p.holding_approvals !== undefined && p.holding_approvals > p.approvals) {
      throw new ConfigError(`${file}: policies.${sev}.holding_approvals: ${p.holding_approvals} is more than the ${p.approvals} its statements need; lower it to ${p.approvals} or less`);
    }
    p.break_glass?.people.forEach((name, i) => {
      if (!f.people[name]?.roles.includes('approver')) {
        throw new ConfigError(`${file}: policies.${sev}.break_glass.people.${i}: ${name} is not an approver under people; name an approver (break glass is an approval)`);
      }
    });
  }
}

/** A policy whose target's platform has no credentials would leave every such broadcast half-done. */
export function checkTargetCredentials(config: Config): void {
  for (const sev of SEVERITIES) {
    for (const t of config.policies[sev].targets) {
      const platform = config.targets[t]!.platform;
      if (!config[platform]) {
        const vars = { discord: 'DISCORD_TOKEN', telegram: 'TELEGRAM_BOT_TOKEN', x: 'X_API_KEY (or X_OAUTH2_USER_TOKEN)' }[platform];
        throw new ConfigError(`policies.${sev}.targets: ${t} is on ${platformName(platform)}, which has no credentials; set ${vars} or remove ${t} from the policy`);
      }
    }
  }
}

/** The sandbox's own settings, validated like every other. */
export function sandboxSettings(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): { consolePort?: number; dir?: string } {
  const parsed = envSchema.pick({ HERALD_CONSOLE_PORT: true, HERALD_SANDBOX_DIR: true }).safeParse(readEnvironment(options));
  if (!parsed.success) throw new ConfigError(describe(parsed.error.issues[0]!, ''));
  const { HERALD_CONSOLE_PORT: consolePort, HERALD_SANDBOX_DIR: dir } = parsed.data;
  return { ...(consolePort !== undefined ? { consolePort } : {}), ...(dir ? { dir } : {}) };
}
