import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config/load';
import { ROOT, tempDir } from '../support/config';

// Hostile inputs, family 6: configurations that can never work, or that would trust an
// attacker's site. Each goes through the real loader, from a config file and an environment,
// and stops herald with one line naming the setting.

type Yaml = Record<string, any>;
const FIXTURE = parse(readFileSync(join(ROOT, 'test/fixtures/herald.yaml'), 'utf8')) as Yaml;
const BASE_ENV = { HERALD_CONFIG: 'herald.config.yaml', DISCORD_COMMS_CHANNEL_ID: '500', TELEGRAM_COMMS_CHAT_ID: '-1000000000500' };

/** Loads a changed copy of the test fixture with the given environment; returns the one line herald prints. */
function problem(change: (c: Yaml) => void, env: Record<string, string> = {}): string {
  const dir = tempDir();
  const config = structuredClone(FIXTURE);
  change(config);
  writeFileSync(join(dir, 'herald.config.yaml'), stringify(config));
  try {
    loadConfig({ cwd: dir, readDotenv: false, env: { ...BASE_ENV, HERALD_DB_PATH: join(dir, 'h.db'), ...env } });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
}

const F = 'herald.config.yaml';
const CASES: Array<[string, (c: Yaml) => void, Record<string, string>, string]> = [
  ...['github.io', 'vercel.app', 'pages.dev', 'netlify.app'].map(
    (suffix) =>
      [
        `an official domain that is a public suffix (${suffix})`,
        (c: Yaml) => c.official_domains.push(suffix),
        {},
        `${F}: official_domains.1: ${suffix} is a public suffix, where anyone can have a site, so it would trust everyone's; list your own site under it instead (like acme.${suffix})`,
      ] as [string, (c: Yaml) => void, Record<string, string>, string],
  ),
  [
    'sev1 needing 5 approvals from 2 approvers',
    (c) => {
      c.discord_roles = {};
      c.people = { alice: { roles: ['drafter'] }, bob: { roles: ['approver'] }, carol: { roles: ['approver'] } };
      c.policies.sev1.approvals = 5;
    },
    {},
    `${F}: policies.sev1.approvals: 5 approvals can never be given: the approvers under people are 2 (bob, carol); lower it to 2 or add approvers`,
  ],
  [
    'two approvals when every drafter is one of the two approvers',
    (c) => {
      c.discord_roles = {};
      c.people = { erin: { roles: ['drafter', 'approver'] }, bob: { roles: ['approver'] } };
    },
    {},
    `${F}: policies.sev1.approvals: 2 approvals can never be given: the approvers under people are 2 (erin, bob), one of whom wrote it; lower it to 1 or add approvers`,
  ],
  [
    'approvals with no approver at all',
    (c) => {
      c.discord_roles = {};
      c.people = { alice: { roles: ['drafter'] } };
    },
    {},
    `${F}: policies.sev1.approvals: 2 approvals can never be given: the approvers under people are none; lower it to 1 or add approvers`,
  ],
  [
    'org.status_page on a domain that is not official',
    (c) => (c.org.status_page = 'https://status.acme-finance.io'),
    {},
    `${F}: org.status_page: https://status.acme-finance.io fails the link guard (not on acme.finance and not in official_urls); use an official URL or add it to official_urls`,
  ],
  [
    'org.website on a lookalike',
    (c) => (c.org.website = 'https://acme.finance.evil.com'),
    {},
    `${F}: org.website: https://acme.finance.evil.com fails the link guard (not on acme.finance and not in official_urls); use an official URL or add it to official_urls`,
  ],
  [
    'org.telegram to an invite link that is not listed',
    (c) => (c.org.telegram = 'https://t.me/acme_refunds'),
    {},
    `${F}: org.telegram: https://t.me/acme_refunds fails the link guard (not on acme.finance and not in official_urls); use an official URL or add it to official_urls`,
  ],
  [
    'an official address whose checksum is wrong',
    (c) => (c.official_addresses = ['0x52908400098527886e0F7030069857D2E4169EE7']),
    {},
    `${F}: official_addresses.0: 0x52908400098527886e0F7030069857D2E4169EE7 has capital letters that do not match its EIP-55 checksum; copy the address again, or write it all in lower case`,
  ],
  ['an official handle that is not a handle', (c) => (c.official_handles = { x: ['@@acme'] }), {}, `${F}: official_handles.x.0: expected a handle such as @acmefinance`],
  ['HERALD_CONSOLE_PORT=99999', () => undefined, { HERALD_CONSOLE_PORT: '99999' }, 'HERALD_CONSOLE_PORT: expected a port number from 0 to 65535, such as 8787'],
  ['HERALD_CONSOLE_PORT=abc', () => undefined, { HERALD_CONSOLE_PORT: 'abc' }, 'HERALD_CONSOLE_PORT: expected a port number such as 8787'],
  ['TELEGRAM_WEBHOOK_PORT=70000', () => undefined, { TELEGRAM_WEBHOOK_PORT: '70000' }, 'TELEGRAM_WEBHOOK_PORT: expected a port number from 0 to 65535, such as 8443'],
];

describe('configuration: what can never work stops herald at start, naming the setting', () => {
  it.each(CASES)('%s', (_what, change, env, line) => {
    expect(problem(change, env)).toBe(line);
  });

  it('an approver role given by a Discord role lets any number of approvals stand', () => {
    const dir = tempDir();
    writeFileSync(join(dir, F), stringify({ ...FIXTURE, policies: { ...FIXTURE.policies, sev1: { ...FIXTURE.policies.sev1, approvals: 5 } } }));
    expect(loadConfig({ cwd: dir, readDotenv: false, env: { ...BASE_ENV, HERALD_DB_PATH: join(dir, 'h.db') } }).policies.sev1.approvals).toBe(5);
  });
});
