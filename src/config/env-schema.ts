import * as z from 'zod';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;
/** An alert webhook: https, or plain http to a relay on this machine. */
export const webhookUrl = z
  .url({ protocol: /^https?$/, error: 'expected an https:// URL' })
  .refine((u) => !URL.canParse(u) || u.startsWith('https:') || LOOPBACK.test(new URL(u).hostname), 'expected an https:// URL (plain http only to 127.0.0.1 or localhost)');

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** A port number from the environment, where everything is text. */
const port = (example: string) =>
  optionalString.pipe(
    z
      .string()
      .regex(/^\d{1,5}$/, `expected a port number such as ${example}`)
      .transform(Number)
      .pipe(z.number().max(65535, `expected a port number from 0 to 65535, such as ${example}`))
      .optional(),
  );

/** The environment part: secrets, ids and paths. Platform issues extend this. */
export const envSchema = z.object({
  HERALD_CONFIG: z.string().default('herald.config.yaml'),
  HERALD_DB_PATH: z.string().min(1).default('data/herald.db'),
  // PostgreSQL instead of the SQLite file: what two herald instances share (README, Two instances).
  HERALD_DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\/[^/\s]+/iu, 'expected a postgres://user:password@host:5432/database URL; leave it unset to keep the SQLite file at HERALD_DB_PATH')
      .optional(),
  ),
  HERALD_TEMPLATES_DIR: z.string().min(1).default('templates'),
  // Signatures and audit checkpoints (src/trust): the Ed25519 key `herald keys init` writes, and the checkpoints kept outside the database.
  HERALD_SIGNING_KEY_FILE: z.string().min(1).default('data/keys/signing.key'),
  HERALD_CHECKPOINTS_FILE: z.string().min(1).default('data/checkpoints.jsonl'),
  // The sandbox's own settings (herald start with no platform configured).
  HERALD_CONSOLE_PORT: port('8787'),
  HERALD_SANDBOX_DIR: optionalString,
  HERALD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Health and metrics: served only when a port is set; 0 picks any free one.
  HERALD_HTTP_PORT: optionalString.pipe(
    z
      .string()
      .regex(/^\d{1,5}$/, 'expected a port number such as 9464')
      .transform(Number)
      .refine((n) => n <= 65535, 'expected a port number from 0 to 65535')
      .optional(),
  ),
  HERALD_HTTP_HOST: optionalString.pipe(z.union([z.ipv4(), z.ipv6(), z.hostname()], { error: 'expected an address to listen on such as 127.0.0.1 or 0.0.0.0' }).default('127.0.0.1')),
  // Alerts (alerts.webhook in the config file): the webhook URL and PagerDuty's routing key are secrets.
  HERALD_ALERT_WEBHOOK_URL: optionalString.pipe(webhookUrl.optional()),
  HERALD_PAGERDUTY_ROUTING_KEY: optionalString.pipe(z.string().regex(/^[A-Za-z0-9]{32}$/, 'expected the 32-character integration key of a PagerDuty Events API v2 integration').optional()),
  // Two instances on one database: each names itself, and holds the singletons' leases and its delivery claims this long.
  HERALD_INSTANCE_ID: optionalString.pipe(z.string().regex(/^[\w.:@-]{1,100}$/, 'expected up to 100 letters, digits, and . _ - : @, such as herald-a').optional()),
  HERALD_LEASE_TTL_MS: optionalString.pipe(z.string().regex(/^\d+$/, 'expected a whole number of milliseconds such as 10000').transform(Number).optional()),
  DISCORD_COMMS_CHANNEL_ID: optionalString.pipe(z.string().regex(/^\d+$/, 'expected a numeric channel id').optional()),
  TELEGRAM_COMMS_CHAT_ID: optionalString.pipe(z.string().regex(/^-?\d+$/, 'expected a numeric chat id such as -1001234567890').optional()),

  // Discord: enabled when DISCORD_TOKEN is set.
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString.pipe(z.string().regex(/^\d+$/, 'expected the numeric application id').optional()),
  DISCORD_GUILD_IDS: optionalString.pipe(z.string().regex(/^\d+(,\s*\d+)*$/, 'expected one or more numeric guild ids, separated by commas').optional()),
  DISCORD_API_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://discord.com/api' }).optional()),

  // Telegram: enabled when TELEGRAM_BOT_TOKEN is set.
  TELEGRAM_BOT_TOKEN: optionalString.pipe(z.string().regex(/^\d+:[\w-]{30,}$/, 'expected the token BotFather gave you, like 123456789:AA…').optional()),
  TELEGRAM_API_ROOT: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://api.telegram.org' }).optional()),
  TELEGRAM_WEBHOOK_URL: optionalString.pipe(z.url({ protocol: /^https$/, error: 'expected the public https:// URL Telegram should post updates to' }).optional()),
  TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'expected 16–256 letters, digits, _ or -').optional()),
  TELEGRAM_WEBHOOK_PORT: port('8443'),

  // X: enabled when X_API_KEY (OAuth 1.0a) or X_OAUTH2_USER_TOKEN is set.
  X_API_KEY: optionalString,
  X_API_SECRET: optionalString,
  X_ACCESS_TOKEN: optionalString,
  X_ACCESS_SECRET: optionalString,
  X_OAUTH2_USER_TOKEN: optionalString,
  X_API_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://api.x.com' }).optional()),
});
