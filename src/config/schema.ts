import { parse as parseDomain } from 'tldts';
import * as z from 'zod';
import { webhookUrl } from './env-schema';
import { isTimeZone } from '../core/promises/zone';

// The environment's schema lives in ./env-schema.ts, which the commands that read only the
// environment load without this file's public-suffix list (tldts).
export { envSchema, webhookUrl } from './env-schema';

export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ROLES = ['drafter', 'approver', 'moderator'] as const;
export type Role = (typeof ROLES)[number];
export const PLATFORMS = ['discord', 'telegram', 'x'] as const;
export type Platform = (typeof PLATFORMS)[number];
const PLATFORM_NAMES: Record<Platform, string> = { discord: 'Discord', telegram: 'Telegram', x: 'X' };
/** How people call a platform, for every sentence herald writes. */
export const platformName = (p: string): string => PLATFORM_NAMES[p as Platform] ?? p;
export type ChatPlatform = Exclude<Platform, 'x'>;

const id = z
  .union([z.string(), z.number().int()])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^-?\d+$/, 'expected a numeric id'));
const chatRef = z
  .union([z.string(), z.number().int()])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^(-?\d+|@[A-Za-z0-9_]{4,})$/, 'expected a numeric chat id or an @username'));
const domain = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/i, 'expected a bare domain such as acme.finance')
  .transform((d) => d.toLowerCase())
  // Trusting a public suffix (github.io, vercel.app) would trust every site anyone puts under it.
  .refine((d) => parseDomain(d, { allowPrivateDomains: true }).publicSuffix !== d, {
    error: (i) => `${String(i.input).toLowerCase()} is a public suffix, where anyone can have a site, so it would trust everyone's; list your own site under it instead (like acme.${String(i.input).toLowerCase()})`,
  });
const handle = z
  .string()
  .regex(/^@?[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,30}[A-Za-z0-9_])?$/, 'expected a handle such as @acmefinance')
  .transform((h) => `@${h.replace(/^@/, '')}`);
const httpsUrl = z.url({ protocol: /^https$/, error: 'expected an https:// URL' });

const personName = z.string().regex(/^[\w.-]+$/, 'expected a short name');

const policy = z.strictObject({
  approvals: z.number().int().min(1, 'expected a whole number of at least 1'),
  /** A `/hold` update (no new information, a new promise) may need fewer approvals than the statements it holds for. */
  holding_approvals: z.number().int().min(1, 'expected a whole number of at least 1').optional(),
  ping_everyone: z.boolean().default(false),
  pin: z.boolean().default(false),
  targets: z.array(z.string().min(1)).min(1, 'expected at least one target'),
  /** Whether a retraction posts the public notice (templates/notices/retraction-notice); unset means on for sev1 and sev2. */
  retraction_notice: z.boolean({ error: 'expected true or false' }).optional(),
  /** Who may publish on one approval by saying why, and how soon a second approver must ratify it. */
  break_glass: z
    .strictObject({
      people: z.array(personName).min(1, 'expected at least one person named under people'),
      ratify_within_minutes: z.number().int().min(1, 'expected a whole number of minutes, at least 1').max(24 * 60, 'expected at most 1440 (a day)'),
    })
    .optional(),
});
export type Policy = z.infer<typeof policy>;

const target = z.discriminatedUnion('platform', [
  z.strictObject({ platform: z.literal('discord'), channel: id, announcement: z.boolean().default(false) }),
  z.strictObject({ platform: z.literal('telegram'), chat: chatRef }),
  z.strictObject({ platform: z.literal('x') }),
]);
export type TargetConfig = z.infer<typeof target>;
export type Target = TargetConfig & { id: string };

const person = z.strictObject({
  roles: z.array(z.enum(ROLES)).default([]),
  discord: id.optional(),
  telegram: id.optional(),
});

const destinationName = z.string().regex(/^[\w-]+$/, 'expected letters, digits, - or _').optional();
/** Where the public reads it, when that is known: the preview links there, and its domain is checked at start. */
const publicUrl = httpsUrl.optional();
/** One place the status site is published: a folder a web server serves, or a git branch (GitHub/GitLab/Codeberg Pages). */
const siteDestination = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('dir'), name: destinationName, path: z.string().min(1), url: publicUrl }),
  z.strictObject({
    type: z.literal('git'),
    name: destinationName,
    remote: z.string().min(1).refine((r) => !/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(r), 'a remote must not carry a password or token; use an SSH key or a git credential helper'),
    branch: z.string().regex(/^(?!-)[\w./-]+$/, 'expected a branch name such as gh-pages').default('gh-pages'),
    url: publicUrl,
  }),
], { error: 'expected type: dir (with path) or type: git (with remote and branch)' });

/** The checked-in part: who may do what, what each severity does, where statements go. */
export const fileSchema = z.strictObject({
  org: z.strictObject({
    name: z.string().min(1),
    website: httpsUrl,
    app: httpsUrl.optional(),
    status_page: httpsUrl.optional(),
    docs: httpsUrl.optional(),
    x_handle: z.string().regex(/^@\w{1,15}$/, 'expected an X handle such as @acmefinance').optional(),
    discord: httpsUrl.optional(),
    telegram: httpsUrl.optional(),
    /** The team's IANA time zone: a `next_update` that names none is read in it. */
    timezone: z.string().refine(isTimeZone, { error: (i) => `${String(i.input)} is not a time zone; use an IANA name such as UTC or Europe/Berlin` }).default('UTC'),
  }),
  official_domains: z.array(domain).min(1, 'expected at least one official domain'),
  /** Exact URLs on platforms we do not own (an invite link), allowed without allowing the whole domain. */
  official_urls: z.array(httpsUrl).default([]),
  /** Wallets and contracts (any chain), ENS names, e-mail addresses and phone numbers a value may name. */
  official_addresses: z.array(z.string().trim().min(1).max(128)).default([]),
  /** The @handles a value may name, per platform; org.x_handle counts as one. */
  official_handles: z
    .strictObject({ discord: z.array(handle).default([]), telegram: z.array(handle).default([]), x: z.array(handle).default([]) })
    .prefault({}),
  people: z.record(personName, person).default({}),
  discord_roles: z.record(z.string().regex(/^\d+$/, 'expected a Discord role id'), z.array(z.enum(ROLES))).default({}),
  policies: z.strictObject({ sev1: policy, sev2: policy, sev3: policy, sev4: policy }),
  targets: z.record(z.string().regex(/^[\w-]+$/, 'expected letters, digits, - or _'), target),
  /** Where `herald start --drill` posts instead of the policies' targets, and the word that marks every drill post. */
  drill: z
    .strictObject({
      targets: z.array(z.string().min(1)).min(1, 'expected at least one target'),
      label: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9 -]{0,23}$/, 'expected a short word such as DRILL (letters, digits, spaces, -; at most 24)')
        .default('DRILL'),
    })
    .optional(),
  delivery: z
    .strictObject({
      max_attempts: z.number().int().min(1).max(100).default(10),
      base_delay_ms: z.number().int().min(1).default(1000),
      max_delay_ms: z.number().int().min(1).default(60_000),
      /** No single wait may exceed this: a longer ask fails the step instead of blocking it. */
      max_wait_ms: z.number().int().min(1).default(5 * 60_000),
      request_timeout_ms: z.number().int().min(100).default(15_000),
    })
    .prefault({}),
  /**
   * The static status site herald builds (src/site), built unless `status_site: false` (or
   * `enabled: false`); its folder defaults to status-site beside the database file.
   */
  status_site: z.preprocess(
    (v) => (v === false ? { enabled: false } : v === true ? {} : (v ?? {})),
    z.strictObject({
      enabled: z.boolean().default(true),
      dir: z.string().min(1).optional(),
      /** Where each build is published, each a target of its own outbox (src/core/publications). */
      publish: z.array(siteDestination).default([]),
    }),
  ),
  /** Where herald tells the team about trouble, outside the chat platforms it may be failing on. */
  alerts: z
    .strictObject({
      // A plain URL is shorthand for { url }: the kind then follows from the URL (src/config/alerts.ts).
      webhook: z.preprocess(
        (v) => (typeof v === 'string' ? { url: v } : v),
        z.strictObject({
          /** Absent: pagerduty for a pagerduty.com URL, otherwise slack. */
          kind: z.enum(['slack', 'pagerduty'], { error: 'expected slack (any Slack-compatible incoming webhook) or pagerduty (Events v2)' }).optional(),
          /** Optional here: a secret URL belongs in HERALD_ALERT_WEBHOOK_URL; PagerDuty's defaults to its Events v2 endpoint. */
          url: z.string().pipe(webhookUrl).optional(),
          /** How long a platform may stay unreachable before the team is alerted. */
          disconnected_after_ms: z.number().int().min(1000, 'expected at least 1000 (one second)').default(5 * 60_000),
        }),
      ),
    })
    .optional(),
});
export type FileConfig = z.infer<typeof fileSchema>;
